/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-logs-page.h"
#include "tw-logs-page-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tw-log-row.h"
#include "tw-util.h"

#define FILTER_DELAY_MS 300
/* A list row around its line (style.css's padding, Adwaita 1.2's row): a row's height
 * before one was laid out is its line's and this (measured: 4 px). */
#define ROW_EXTRA 4
/* GTK 4.8's list keeps rows for 205 items around its anchor (GTK_LIST_VIEW_MAX_LIST_ITEMS
 * and 2 + 2 more), all above it at the end of the list: the rows above the first screen
 * come SHOW_HELD_ROWS a frame until the list has that many, the rest in one change. */
#define LIST_ROWS      205
#define SHOW_HELD_ROWS 48

static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwLogsPage, tw_logs_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))

enum { PROP_0, PROP_FOLLOW, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* Rows: one TwLogRow each (a box of labels and a button cost GtkListView 4.8's 200
 * rows too much before the first frame). */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              TwLogsPage               *self)
{
  gtk_list_item_set_child (item, tw_log_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             TwLogsPage               *self)
{
  /* The row names its list item for screen readers (tw_log_row_describe_line). */
  tw_log_row_set_line (TW_LOG_ROW (gtk_list_item_get_child (item)), gtk_list_item_get_item (item),
                       self->filter.text, self->highlight_regex);
}

/* No unbind: a row keeps its line until it is bound again. GTK 4.8 binds every row
 * again when rows are inserted above it (a new TwLogLine each time); a row bound to the
 * same text keeps what it laid out (tw_log_row_set_line). */

/* Enter or a double click on a row: its correlation id's lines in every log. */
static void
row_activated_cb (GtkListView *list,
                  guint        position,
                  TwLogsPage  *self)
{
  g_autoptr(TwLogLine) line = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  const char *cid = line != NULL ? tw_log_line_get_correlation_id (line) : NULL;

  if (cid != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "logs.filter-id", "s", cid);
}

/* Follow */

static void
update_new_lines (TwLogsPage *self)
{
  g_free (self->new_lines_text);
  self->new_lines_text = self->new_lines > 0
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new line", "%u new lines", self->new_lines),
                       self->new_lines)
    : NULL;
  gtk_button_set_label (self->new_lines_button, self->new_lines_text != NULL ? self->new_lines_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->new_lines_button), !self->follow && self->new_lines > 0);
}

/* By the adjustment only: GTK 4.8's list then keeps its rows from the top of the view
 * down ("list.scroll-to-item" to the last row would anchor it at the bottom and build
 * the 200 rows above it). When rows came since the list's last layout, the value set
 * here falls short; the adjustment's change after the layout brings it down. */
static void
scroll_to_bottom (TwLogsPage *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scrolling = TRUE;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  self->last_value = gtk_adjustment_get_value (adj);
  self->scrolling = FALSE;
}

/* At the next frame, before its layout: a value set while the list allocates is not
 * painted until the frame after. */
static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  TwLogsPage *self = user_data;

  self->scroll_tick = 0;
  if (self->follow)
    scroll_to_bottom (self);
  return G_SOURCE_REMOVE;
}

static void
queue_scroll_to_bottom (TwLogsPage *self)
{
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), scroll_tick_cb, self, NULL);
}

/* The first screen (tw_log_view_set_first_screen): when the page follows, rows that come
 * into an empty list come as the newest screenful first — GTK 4.8's list lays out its
 * first rows from the top, so those are the newest, and it builds only them (not 200
 * rows at the top, then 200 at the bottom) — and the rows above them one frame after
 * that screen was painted, inserted above: the list keeps the rows in view. */

static void
remember_row_height (TwLogsPage *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
  int height = 0;

  if (child != NULL && gtk_widget_get_mapped (child))
    gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, -1, NULL, &height, NULL, NULL);
  if (height > 0)
    self->row_height = height;
}

static int
row_height (TwLogsPage *self)
{
  return self->row_height > 0 ? self->row_height
                              : tw_log_row_get_line_height (GTK_WIDGET (self->list_view)) + ROW_EXTRA;
}

/* The rows the list shows whole, 0 before it was laid out. */
static guint
first_screen_rows (TwLogsPage *self)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self->list_view));
  int row = row_height (self);

  return height > 0 && row > 0 ? (guint) (height / row) : 0;
}

/* The rows the list will show whole once laid out, from what its page will get (its
 * parent's size, as a stack gives its pages) less the page's rows above the list (its
 * minimum height but the list's own), one row less to be safe: 0 when the parent has
 * not been laid out either. */
static guint
estimate_first_screen_rows (TwLogsPage *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  GtkWidget *around = gtk_widget_get_parent (GTK_WIDGET (self->scroller));
  int width = parent != NULL ? gtk_widget_get_width (parent) : 0;
  int height = parent != NULL ? gtk_widget_get_height (parent) : 0;
  int page_min = 0, around_min = 0, row = row_height (self);
  int list_height;

  if (width <= 0 || height <= 0 || row <= 0)
    return 0;
  gtk_widget_measure (GTK_WIDGET (self), GTK_ORIENTATION_VERTICAL, width, &page_min, NULL, NULL, NULL);
  gtk_widget_measure (around, GTK_ORIENTATION_VERTICAL, width, &around_min, NULL, NULL, NULL);
  list_height = height - (page_min - around_min);
  return list_height / row > 1 ? (guint) (list_height / row - 1) : 0;
}

/* A list that has not been laid out yet (a page built hidden, after its logs were read,
 * as the console's pages are) holds every row until it is about to be: then, mapped,
 * the newest screenful comes — its height estimated when it has none yet — so that its
 * first frame paints them, not the oldest of the rows the list builds first. */
static void
arm_first_screen (TwLogsPage *self)
{
  guint rows = self->follow ? first_screen_rows (self) : 0;

  if (self->follow && rows == 0)
    tw_log_view_hold_first_screen (self->view);
  else
    tw_log_view_set_first_screen (self->view, rows);
}

static void
show_first_screen (TwLogsPage *self)
{
  guint rows;

  if (tw_log_view_get_n_held (self->view) == 0
      || g_list_model_get_n_items (G_LIST_MODEL (self->view)) > 0
      || !gtk_widget_get_mapped (GTK_WIDGET (self->list_view)))
    return;
  rows = first_screen_rows (self);
  if (rows == 0)
    rows = estimate_first_screen_rows (self);
  /* No size to go by: every row, as without a first screen. */
  tw_log_view_show_held (self->view, rows > 0 ? rows : G_MAXUINT);
}

/* Called at the frame that lays out the first screen, then at each next one: the rows
 * above come then, a few a frame while the list builds a row for each. */
static gboolean
show_held_tick_cb (GtkWidget     *widget,
                   GdkFrameClock *clock,
                   gpointer       user_data)
{
  TwLogsPage *self = user_data;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  if (self->show_held_frames++ == 0)
    return G_SOURCE_CONTINUE;
  if (self->show_held_frames == 2)
    remember_row_height (self);
  /* Not scrolled in this frame: the adjustment does not know the rows that come above
   * (the list's anchor would be found again from it, far off). The list keeps the rows
   * in view, at the bottom, and the adjustment's change after its layout scrolls it if
   * need be. */
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->scroll_tick);
  self->scroll_tick = 0;
  if (shown < LIST_ROWS && tw_log_view_get_n_held (self->view) > SHOW_HELD_ROWS)
    {
      tw_log_view_show_held (self->view, SHOW_HELD_ROWS);
      return G_SOURCE_CONTINUE;
    }
  self->show_held_tick = 0;
  tw_log_view_show_held (self->view, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

static void
queue_show_held (TwLogsPage *self)
{
  if (self->show_held_tick != 0 || tw_log_view_get_n_held (self->view) == 0)
    return;
  self->show_held_frames = 0;
  self->show_held_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), show_held_tick_cb, self, NULL);
}

void
_tw_logs_page_set_follow (TwLogsPage *self,
                          gboolean    follow)
{
  if (self->follow == follow)
    return;
  self->follow = follow;
  if (follow)
    {
      self->new_lines = 0;
      scroll_to_bottom (self);
    }
  else
    tw_log_view_show_held (self->view, G_MAXUINT);  /* every row, to scroll through */
  update_new_lines (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

static void
adjustment_changed_cb (GtkAdjustment *adj,
                       TwLogsPage    *self)
{
  if (self->follow)
    queue_scroll_to_bottom (self);
}

static void
adjustment_value_changed_cb (GtkAdjustment *adj,
                             TwLogsPage    *self)
{
  double value = gtk_adjustment_get_value (adj);

  /* Scrolling up is the operator's; rows added above move the value down, not up. */
  if (!self->scrolling && self->follow && value < self->last_value - 1
      && value < gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 1)
    _tw_logs_page_set_follow (self, FALSE);
  self->last_value = value;
}

/* Counts and status */

static void
update_count (TwLogsPage *self)
{
  guint n = self->view != NULL ? tw_log_view_get_n_matches (self->view) : 0;

  g_free (self->count_text);
  if (tw_log_filter_is_empty (&self->filter))
    self->count_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u line", "%u lines", n), n);
  else
    self->count_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", n), n);
  gtk_label_set_text (self->count_label, self->count_text);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  TwLogsPage *self)
{
  if (added > removed && position + added == g_list_model_get_n_items (model) && removed == 0
      && !self->follow)
    {
      self->new_lines += added;
      update_new_lines (self);
    }
  queue_show_held (self);
  update_count (self);
}

static void
update_status (TwLogsPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->logs != NULL)
    {
      GListModel *sources = tw_logs_get_sources (self->logs);
      GPtrArray *problems = tw_logs_get_problems (self->logs);

      for (guint i = 0; i < problems->len; i++)
        g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", (char *) g_ptr_array_index (problems, i));
      for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
        {
          g_autoptr(TwLogSource) source = g_list_model_get_item (sources, i);
          const char *problem = tw_log_source_get_problem (source);

          if (problem != NULL)
            g_string_append_printf (text, "%s%s: %s", text->len > 0 ? "\n" : "",
                                    tw_log_source_get_id (source), problem);
        }
      if (g_list_model_get_n_items (sources) == 0 && problems->len == 0)
        g_string_append (text, _("This profile has no logs. Add a [Log NAME] group with Path= to its file."));
    }
  gtk_label_set_text (self->status_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text->len > 0);
}

/* Audit chains: intact (calm) or the first broken line (an error, not only in colour:
 * the words say it). */
static void
update_chains (TwLogsPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean broken = FALSE;

  if (self->logs != NULL)
    {
      GListModel *sources = tw_logs_get_sources (self->logs);

      for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
        {
          g_autoptr(TwLogSource) source = g_list_model_get_item (sources, i);
          const char *status = tw_log_source_get_chain_status (source);

          if (status == NULL)
            continue;
          broken |= tw_log_source_get_chain_broken (source);
          g_string_append_printf (text, "%s%s — %s %s", text->len > 0 ? "\n" : "",
                                  tw_log_source_get_id (source),
                                  tw_log_source_get_chain_broken (source) ? _("Audit chain BROKEN:") : _("Audit chain:"),
                                  status);
        }
    }
  gtk_label_set_text (self->chain_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->chain_label), text->len > 0);
  if (broken)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->chain_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->chain_label), "success");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->chain_label), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->chain_label), "error");
    }
}

const char *
_tw_logs_page_get_chain_text (TwLogsPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->chain_label)) ? gtk_label_get_text (self->chain_label) : NULL;
}

static void
filtering_changed_cb (TwLogsPage *self)
{
  gboolean filtering = self->view != NULL && tw_log_view_get_filtering (self->view);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), filtering);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), filtering);
}

static void
progress_changed_cb (TwLogsPage *self)
{
  gtk_progress_bar_set_fraction (self->progress_bar, tw_log_view_get_progress (self->view));
}

/* Filters */

static void
set_filter_error (TwLogsPage *self,
                  const char *message)
{
  tw_set_str (&self->filter_error, message);
  gtk_label_set_text (self->filter_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->filter_error_label), message != NULL);
}

static gboolean
parse_time_entry (GtkEntry *entry,
                  gint64   *time)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *full = NULL;

  *time = 0;
  if (*text == '\0')
    return TRUE;
  /* "YYYY-MM-DD HH:MM" is a time too. */
  full = strlen (text) == 16 ? g_strconcat (text, ":00", NULL) : g_strdup (text);
  if (strlen (full) == 10)
    {
      g_free (full);
      full = g_strconcat (text, " 00:00:00", NULL);
    }
  *time = tw_log_parse_time (full, -1);
  return *time != 0;
}

void
_tw_logs_page_apply_filters (TwLogsPage *self)
{
  TwLogFilter filter = { 0, };
  g_autoptr(GError) error = NULL;
  guint level = gtk_drop_down_get_selected (self->level_dropdown);

  g_clear_handle_id (&self->filter_timeout, g_source_remove);
  if (self->view == NULL)
    return;
  filter.min_level = level == GTK_INVALID_LIST_POSITION ? 0 : level;
  filter.text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->text_entry)));
  filter.regex = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->regex_entry)));
  filter.correlation_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->id_entry))));
  if (!parse_time_entry (self->from_entry, &filter.time_from)
      || !parse_time_entry (self->to_entry, &filter.time_to))
    {
      set_filter_error (self, _("Not a time: write it as 2026-12-06 14:30."));
      tw_log_filter_clear (&filter);
      return;
    }
  arm_first_screen (self);
  if (!tw_log_view_set_filter (self->view, &filter, &error))
    {
      /* Shown beside the entry; the filter in force stays. */
      set_filter_error (self, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->regex_entry), "error");
      tw_log_filter_clear (&filter);
      return;
    }
  set_filter_error (self, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->regex_entry), "error");
  tw_log_filter_clear (&self->filter);
  self->filter = filter;
  if (self->filter.text != NULL && *self->filter.text == '\0')
    g_clear_pointer (&self->filter.text, g_free);
  if (self->filter.correlation_id != NULL && *self->filter.correlation_id == '\0')
    g_clear_pointer (&self->filter.correlation_id, g_free);
  g_clear_pointer (&self->highlight_regex, g_regex_unref);
  if (self->filter.regex != NULL && *self->filter.regex != '\0')
    self->highlight_regex = g_regex_new (self->filter.regex, 0, 0, NULL);
  else
    g_clear_pointer (&self->filter.regex, g_free);
  self->new_lines = 0;
  update_new_lines (self);
  update_count (self);
  if (self->follow)
    scroll_to_bottom (self);
}

static gboolean
filter_timeout_cb (gpointer user_data)
{
  TwLogsPage *self = user_data;

  self->filter_timeout = 0;
  _tw_logs_page_apply_filters (self);
  return G_SOURCE_REMOVE;
}

static void
filter_changed_cb (TwLogsPage *self)
{
  g_clear_handle_id (&self->filter_timeout, g_source_remove);
  self->filter_timeout = g_timeout_add (FILTER_DELAY_MS, filter_timeout_cb, self);
}

/* The first shown log that is a file (a Loki log has no folder), or NULL. */
TwLogSource *
_tw_logs_page_first_file_source (TwLogsPage *self)
{
  for (guint i = 0; i < self->shown->len; i++)
    if (tw_log_source_get_kind (g_ptr_array_index (self->shown, i)) != TW_LOG_KIND_LOKI)
      return g_ptr_array_index (self->shown, i);
  return NULL;
}

static void
show_sources (TwLogsPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->source_dropdown);
  GListModel *sources;
  guint n;

  g_ptr_array_set_size (self->shown, 0);
  arm_first_screen (self);
  if (self->logs == NULL)
    {
      tw_log_view_set_sources (self->view, self->shown);
      return;
    }
  sources = tw_logs_get_sources (self->logs);
  n = g_list_model_get_n_items (sources);
  for (guint i = 0; i < n; i++)
    if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected == i + 1)
      g_ptr_array_add (self->shown, g_list_model_get_item (sources, i));
  tw_log_view_set_sources (self->view, self->shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logs.open-folder", _tw_logs_page_first_file_source (self) != NULL);
  update_count (self);
  if (self->follow)
    scroll_to_bottom (self);
}

static void
source_changed_cb (TwLogsPage *self)
{
  show_sources (self);
}

/* Logs */

static void
disconnect_logs (TwLogsPage *self)
{
  GListModel *sources;

  if (self->logs == NULL)
    return;
  sources = tw_logs_get_sources (self->logs);
  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(TwLogSource) source = g_list_model_get_item (sources, i);
      g_signal_handlers_disconnect_by_data (source, self);
    }
}

void
tw_logs_page_set_logs (TwLogsPage *self,
                       TwLogs     *logs)
{
  g_autoptr(GtkStringList) names = NULL;
  GListModel *sources;

  g_return_if_fail (TW_IS_LOGS_PAGE (self));

  if (self->logs == logs)
    return;
  disconnect_logs (self);
  g_set_object (&self->logs, logs);
  /* The scroll position seen was the other logs' (a page hidden meanwhile, as when no
   * profile is open, has not seen its list go): no scrolling up from it. */
  self->last_value = 0;
  self->focus_seen = logs != NULL ? tw_logs_get_focus (logs, NULL, NULL) : 0;
  names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("All logs"));
  if (logs != NULL)
    {
      sources = tw_logs_get_sources (logs);
      for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
        {
          g_autoptr(TwLogSource) source = g_list_model_get_item (sources, i);

          gtk_string_list_append (names, tw_log_source_get_id (source));
          g_signal_connect_object (source, "notify::problem", G_CALLBACK (update_status), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (source, "notify::chain-status", G_CALLBACK (update_chains), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (source, "notify::chain-broken", G_CALLBACK (update_chains), self,
                                   G_CONNECT_SWAPPED);
        }
    }
  g_signal_handlers_block_by_func (self->source_dropdown, source_changed_cb, self);
  gtk_drop_down_set_model (self->source_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->source_dropdown, 0);
  g_signal_handlers_unblock_by_func (self->source_dropdown, source_changed_cb, self);
  /* Another profile's logs: its own filters, none to start with. */
  gtk_drop_down_set_selected (self->level_dropdown, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->text_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->regex_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->id_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  _tw_logs_page_apply_filters (self);
  self->new_lines = 0;
  _tw_logs_page_set_follow (self, TRUE);
  update_new_lines (self);
  show_sources (self);
  update_status (self);
  update_chains (self);
}

/* For tests */

TwLogView *
_tw_logs_page_get_view (TwLogsPage *self)
{
  return self->view;
}

GtkListView *
_tw_logs_page_get_list_view (TwLogsPage *self)
{
  return self->list_view;
}

gboolean
_tw_logs_page_get_follow (TwLogsPage *self)
{
  return self->follow;
}

const char *
_tw_logs_page_get_filter_error (TwLogsPage *self)
{
  return self->filter_error;
}

const char *
_tw_logs_page_get_new_lines (TwLogsPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->new_lines_button)) ? self->new_lines_text : NULL;
}

const char *
_tw_logs_page_get_count_text (TwLogsPage *self)
{
  return self->count_text;
}

const char *
_tw_logs_page_get_filter_id (TwLogsPage *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->id_entry));
}

void
_tw_logs_page_set_filter_text (TwLogsPage *self,
                               guint       level,
                               const char *text,
                               const char *regex,
                               const char *correlation_id)
{
  gtk_drop_down_set_selected (self->level_dropdown, level);
  gtk_editable_set_text (GTK_EDITABLE (self->text_entry), text != NULL ? text : "");
  gtk_editable_set_text (GTK_EDITABLE (self->regex_entry), regex != NULL ? regex : "");
  gtk_editable_set_text (GTK_EDITABLE (self->id_entry), correlation_id != NULL ? correlation_id : "");
  _tw_logs_page_apply_filters (self);
}

void
_tw_logs_page_select_source (TwLogsPage *self,
                             guint       index)
{
  gtk_drop_down_set_selected (self->source_dropdown, index);
}

void
_tw_logs_page_scroll_up (TwLogsPage *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  gtk_adjustment_set_value (adj, 0);
}

/* A log alert's Open shows this page: the alert's line, selected. */
static void
tw_logs_page_map (GtkWidget *widget)
{
  TwLogsPage *self = TW_LOGS_PAGE (widget);
  const char *source_id = NULL;
  guint row = 0;
  guint serial;

  GTK_WIDGET_CLASS (tw_logs_page_parent_class)->map (widget);
  show_first_screen (self);
  if (self->logs == NULL)
    return;
  serial = tw_logs_get_focus (self->logs, &source_id, &row);
  if (serial != self->focus_seen && source_id != NULL)
    {
      self->focus_seen = serial;
      gtk_widget_activate_action (widget, "logs.show-line", "(su)", source_id, row);
    }
}

/* The rows' fonts and glyphs, warmed once the page has a window, a step in each idle
 * (2–4 ms each), so that the first frame with rows does not find them cold: it took
 * 17–21 ms of the main thread, most of it that. */
static gboolean
warm_cb (gpointer data)
{
  TwLogsPage *self = data;
  gboolean more = tw_log_row_warm_up (GTK_WIDGET (self->list_view), self->warm_step);

  if (more)
    {
      self->warm_step++;
      return G_SOURCE_CONTINUE;
    }
  self->warm_id = 0;
  return G_SOURCE_REMOVE;
}

static void
tw_logs_page_root (GtkWidget *widget)
{
  TwLogsPage *self = TW_LOGS_PAGE (widget);

  GTK_WIDGET_CLASS (tw_logs_page_parent_class)->root (widget);
  if (self->warm_step == 0 && self->warm_id == 0)
    self->warm_id = g_idle_add_full (G_PRIORITY_LOW, warm_cb, self, NULL);
}

static void
tw_logs_page_unroot (GtkWidget *widget)
{
  TwLogsPage *self = TW_LOGS_PAGE (widget);

  g_clear_handle_id (&self->warm_id, g_source_remove);
  self->warm_step = 0;
  GTK_WIDGET_CLASS (tw_logs_page_parent_class)->unroot (widget);
}

/* GObject */

static void
tw_logs_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TwLogsPage *self = TW_LOGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_FOLLOW: g_value_set_boolean (value, self->follow); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_logs_page_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TwLogsPage *self = TW_LOGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_FOLLOW: _tw_logs_page_set_follow (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_logs_page_dispose (GObject *object)
{
  TwLogsPage *self = TW_LOGS_PAGE (object);

  g_clear_handle_id (&self->filter_timeout, g_source_remove);
  g_clear_handle_id (&self->warm_id, g_source_remove);
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->scroll_tick);
  self->scroll_tick = 0;
  if (self->show_held_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->show_held_tick);
  self->show_held_tick = 0;
  disconnect_logs (self);
  g_clear_object (&self->logs);
  g_clear_object (&self->session);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->view != NULL)
    {
      tw_log_view_cancel (self->view);
      g_signal_handlers_disconnect_by_data (self->view, self);
    }
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_LOGS_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->view);
  G_OBJECT_CLASS (tw_logs_page_parent_class)->dispose (object);
}

static void
tw_logs_page_finalize (GObject *object)
{
  TwLogsPage *self = TW_LOGS_PAGE (object);

  tw_log_filter_clear (&self->filter);
  g_clear_pointer (&self->highlight_regex, g_regex_unref);
  g_ptr_array_unref (self->shown);
  g_free (self->filter_error);
  g_free (self->new_lines_text);
  g_free (self->count_text);
  g_free (self->snapshot_result);
  g_free (self->snapshot_path);
  G_OBJECT_CLASS (tw_logs_page_parent_class)->finalize (object);
}

static void
tw_logs_page_class_init (TwLogsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_logs_page_dispose;
  object_class->finalize = tw_logs_page_finalize;
  object_class->get_property = tw_logs_page_get_property;
  object_class->set_property = tw_logs_page_set_property;
  widget_class->map = tw_logs_page_map;
  widget_class->root = tw_logs_page_root;
  widget_class->unroot = tw_logs_page_unroot;

  properties[PROP_FOLLOW] = g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                                                  G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tradewarden/TradeWarden/tw-logs-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, level_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, text_entry);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, regex_entry);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, id_entry);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, filter_error_label);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, follow_button);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, chain_label);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, TwLogsPage, new_lines_button);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, source_changed_cb);

  gtk_widget_class_install_property_action (widget_class, "logs.follow", "follow");
  _tw_logs_page_install_actions (widget_class);
}

static void
tw_logs_page_init (TwLogsPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkAdjustment *adj;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->follow = TRUE;
  self->view = tw_log_view_new ();
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->view)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (self->list_view, "activate", G_CALLBACK (row_activated_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->selection, "items-changed", G_CALLBACK (items_changed_cb), self);
  g_signal_connect_swapped (self->view, "notify::filtering", G_CALLBACK (filtering_changed_cb), self);
  g_signal_connect_swapped (self->view, "notify::progress", G_CALLBACK (progress_changed_cb), self);
  g_signal_connect_swapped (self->view, "notify::n-matches", G_CALLBACK (update_count), self);
  g_signal_connect_swapped (self->view, "notify::n-held", G_CALLBACK (show_first_screen), self);
  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect (adj, "changed", G_CALLBACK (adjustment_changed_cb), self);
  g_signal_connect (adj, "value-changed", G_CALLBACK (adjustment_value_changed_cb), self);
  update_count (self);
  update_status (self);
}

GtkWidget *
tw_logs_page_new (void)
{
  return g_object_new (TW_TYPE_LOGS_PAGE, NULL);
}

/* TwSessionPage */

static void
session_page_set_session (TwSessionPage *page,
                          TwSession     *session)
{
  TwLogsPage *self = TW_LOGS_PAGE (page);

  g_set_object (&self->session, session);
  tw_logs_page_set_logs (self, session != NULL ? tw_session_get_logs (session) : NULL);
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = session_page_set_session;
}
