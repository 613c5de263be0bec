/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-page.h"
#include "tw-alerts-page-private.h"

#include <glib/gi18n.h>

#include "tw-ui-util.h"
#include "tw-window.h"

/* A group of alerts of one name, when many show. */
#define TW_TYPE_ALERTS_GROUP (tw_alerts_group_get_type ())
G_DECLARE_FINAL_TYPE (TwAlertsGroup, tw_alerts_group, TW, ALERTS_GROUP, GObject)

struct _TwAlertsGroup
{
  GObject          parent_instance;
  char            *name;
  GListStore      *items;
  TwAlertSeverity  worst;
  guint            n_firing;
};

G_DEFINE_FINAL_TYPE (TwAlertsGroup, tw_alerts_group, G_TYPE_OBJECT)

static void
tw_alerts_group_finalize (GObject *object)
{
  TwAlertsGroup *self = TW_ALERTS_GROUP (object);

  g_free (self->name);
  g_object_unref (self->items);
  G_OBJECT_CLASS (tw_alerts_group_parent_class)->finalize (object);
}

static void
tw_alerts_group_class_init (TwAlertsGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tw_alerts_group_finalize;
}

static void
tw_alerts_group_init (TwAlertsGroup *self)
{
  self->items = g_list_store_new (TW_TYPE_ALERT_ITEM);
  self->worst = TW_ALERT_INFO;
}


static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwAlertsPage, tw_alerts_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))


/* Building the list */

static int
state_rank (TwAlertItem *item)
{
  return (int) tw_alert_item_get_state (item);
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  TwAlertItem *x = *(TwAlertItem **) a;
  TwAlertItem *y = *(TwAlertItem **) b;
  GDateTime *tx, *ty;

  if (state_rank (x) != state_rank (y))
    return state_rank (x) - state_rank (y);
  if (tw_alert_item_get_severity (x) != tw_alert_item_get_severity (y))
    return (int) tw_alert_item_get_severity (y) - (int) tw_alert_item_get_severity (x);
  tx = tw_alert_item_get_starts_at (x);
  ty = tw_alert_item_get_starts_at (y);
  if (tx != NULL && ty != NULL && !g_date_time_equal (tx, ty))
    return g_date_time_compare (ty, tx);
  return g_strcmp0 (tw_alert_item_get_key (x), tw_alert_item_get_key (y));
}

static gboolean
matches (TwAlertsPage *self,
         TwAlertItem  *item)
{
  g_autofree char *labels = NULL;
  g_autofree char *sources = NULL;
  g_autofree char *haystack = NULL;
  g_autofree char *needle = NULL;

  if (self->filter_severity >= 0 && (int) tw_alert_item_get_severity (item) != self->filter_severity)
    return FALSE;
  if (self->filter_text == NULL || *self->filter_text == '\0')
    return TRUE;
  labels = tw_alert_item_format_labels (item);
  sources = tw_alert_item_format_sources (item);
  haystack = g_utf8_casefold (g_strjoin (" ", tw_alert_item_get_name (item), labels, sources,
                                         tw_alert_item_get_summary (item) ?: "", NULL), -1);
  needle = g_utf8_casefold (self->filter_text, -1);
  return strstr (haystack, needle) != NULL;
}

static void
update_badge (TwAlertsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  guint n = self->alerts != NULL ? tw_alerts_service_get_n_unacknowledged (self->alerts) : 0;
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;
  gboolean critical = FALSE;
  GListModel *model;

  if (!TW_IS_WINDOW (root))
    return;
  if (n == 0)
    {
      tw_window_set_page_badge (TW_WINDOW (root), "alerts", NULL, NULL, NULL);
      return;
    }
  model = tw_alerts_service_get_model (self->alerts);
  for (guint i = 0; i < g_list_model_get_n_items (model) && !critical; i++)
    {
      g_autoptr(TwAlertItem) item = g_list_model_get_item (model, i);

      critical = tw_alert_item_get_state (item) == TW_ALERT_STATE_FIRING
                 && tw_alert_item_get_severity (item) == TW_ALERT_CRITICAL;
    }
  text = g_strdup_printf ("%u", n);
  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Alerts: %u unacknowledged alert firing",
                                              "Alerts: %u unacknowledged alerts firing", n), n);
  tw_window_set_page_badge (TW_WINDOW (root), "alerts", text, critical ? "error" : "warning", description);
}

/* Replaces @store's rows by @rows with the smallest splice: the rows before the first
 * and after the last difference stay (a GtkListView keeps up to 200 rows' widgets; a
 * full replace would make them all again). A row in @dirty counts as different. */
static void
replace_rows (GListStore *store,
              GPtrArray  *rows,
              GHashTable *dirty)
{
  GListModel *model = G_LIST_MODEL (store);
  guint old_n = g_list_model_get_n_items (model);
  guint prefix = 0, suffix = 0;

  while (prefix < old_n && prefix < rows->len)
    {
      g_autoptr(GObject) old = g_list_model_get_item (model, prefix);

      if (old != g_ptr_array_index (rows, prefix) || g_hash_table_contains (dirty, old))
        break;
      prefix++;
    }
  while (suffix < old_n - prefix && suffix < rows->len - prefix)
    {
      g_autoptr(GObject) old = g_list_model_get_item (model, old_n - 1 - suffix);

      if (old != g_ptr_array_index (rows, rows->len - 1 - suffix) || g_hash_table_contains (dirty, old))
        break;
      suffix++;
    }
  if (prefix == old_n && prefix == rows->len)
    return;
  g_list_store_splice (store, prefix, old_n - prefix - suffix, rows->pdata + prefix,
                       rows->len - prefix - suffix);
}

static void
restore_view (TwAlertsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));

  self->restoring = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);
      GObject *item = gtk_tree_list_row_get_item (row);

      if (TW_IS_ALERTS_GROUP (item) && g_hash_table_contains (self->expanded, TW_ALERTS_GROUP (item)->name))
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
        }
      g_object_unref (item);
    }
  if (self->selected_key != NULL)
    _tw_alerts_page_select (self, self->selected_key);
  self->restoring = FALSE;
}

static gboolean
rebuild (gpointer user_data)
{
  TwAlertsPage *self = user_data;
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_autoptr(GHashTable) members = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *model;
  guint n, n_firing = 0, n_total = 0;
  g_autofree char *count = NULL;

  self->rebuild_id = 0;
  self->n_groups = 0;
  self->n_rebuilds++;
  if (self->alerts == NULL)
    {
      g_list_store_remove_all (self->root);
      g_hash_table_remove_all (self->groups);
      g_hash_table_remove_all (self->dirty);
      self->n_rows = 0;
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return G_SOURCE_REMOVE;
    }

  model = tw_alerts_service_get_model (self->alerts);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      TwAlertItem *item = g_list_model_get_item (model, i);

      n_total++;
      if (tw_alert_item_get_state (item) == TW_ALERT_STATE_FIRING)
        n_firing++;
      if (matches (self, item))
        g_ptr_array_add (shown, item);
      else
        g_object_unref (item);
    }
  g_ptr_array_sort (shown, compare_items);

  if (shown->len > TW_ALERTS_PAGE_GROUP_THRESHOLD)
    for (guint i = 0; i < shown->len; i++)
      {
        const char *name = tw_alert_item_get_name (g_ptr_array_index (shown, i));

        g_hash_table_insert (counts, (gpointer) name,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
      }

  for (guint i = 0; i < shown->len; i++)
    {
      TwAlertItem *item = g_ptr_array_index (shown, i);
      const char *name = tw_alert_item_get_name (item);
      TwAlertsGroup *group;

      if (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) < 2)
        {
          g_ptr_array_add (rows, g_object_ref (item));
          continue;
        }
      group = g_hash_table_lookup (groups, name);
      if (group == NULL)
        {
          /* The last rebuild's group of that name, so its row stays where it is. */
          group = g_hash_table_lookup (self->groups, name);
          group = group != NULL ? g_object_ref (group) : g_object_new (TW_TYPE_ALERTS_GROUP, NULL);
          if (group->name == NULL)
            group->name = g_strdup (name);
          g_hash_table_insert (groups, group->name, group);
          g_hash_table_insert (members, group, g_ptr_array_new_with_free_func (g_object_unref));
          g_ptr_array_add (rows, g_object_ref (group));
          self->n_groups++;
        }
      g_ptr_array_add (g_hash_table_lookup (members, group), g_object_ref (item));
    }

  /* Each group's items and summary: its row is bound again only when they changed. */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, members);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        TwAlertsGroup *group = key;
        GPtrArray *items = value;
        TwAlertSeverity worst = TW_ALERT_INFO;
        guint group_firing = 0;
        gboolean changed = g_list_model_get_n_items (G_LIST_MODEL (group->items)) != items->len;

        for (guint i = 0; i < items->len; i++)
          {
            TwAlertItem *item = g_ptr_array_index (items, i);

            worst = MAX (worst, tw_alert_item_get_severity (item));
            if (tw_alert_item_get_state (item) == TW_ALERT_STATE_FIRING)
              group_firing++;
            if (g_hash_table_contains (self->dirty, item))
              changed = TRUE;
          }
        if (changed || worst != group->worst || group_firing != group->n_firing)
          g_hash_table_add (self->dirty, g_object_ref (group));
        group->worst = worst;
        group->n_firing = group_firing;
        replace_rows (group->items, items, self->dirty);
      }
  }
  g_hash_table_remove_all (self->groups);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, groups);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_insert (self->groups, key, g_object_ref (value));
  }

  self->restoring = TRUE;
  replace_rows (self->root, rows, self->dirty);
  self->restoring = FALSE;
  g_hash_table_remove_all (self->dirty);
  self->n_rows = rows->len;
  restore_view (self);

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u alert · %u firing unacknowledged",
                                        "%u alerts · %u firing unacknowledged", n_total),
                           n_total, n_firing);
  gtk_label_set_text (self->count_label, count);
  gtk_stack_set_visible_child_name (self->stack, n_total > 0 ? "list" : "empty");
  update_badge (self);
  _tw_alerts_page_show_details (self);
  return G_SOURCE_REMOVE;
}

static void
rebuild_when_mapped (gpointer widget)
{
  TwAlertsPage *self = TW_ALERTS_PAGE (widget);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  rebuild (self);
}

/* A page not shown builds its rows when it is shown, before its first frame (in a
 * large profile alerts come and go every second while the operator looks at another
 * page); the sidebar's badge follows the alerts either way. */
static void
queue_rebuild (TwAlertsPage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      g_clear_handle_id (&self->rebuild_id, g_source_remove);
      tw_ui_update_when_mapped (GTK_WIDGET (self), rebuild_when_mapped);
      update_badge (self);
      return;
    }
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, rebuild, self, NULL);
}

/* What the page would show now (for tests). */
static void
flush_rebuild (TwAlertsPage *self)
{
  tw_ui_flush_update (GTK_WIDGET (self));
  if (self->rebuild_id != 0)
    rebuild_when_mapped (self);
}

static void
model_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  TwAlertsPage *self)
{
  /* An item replaced by itself changed: its row is bound again. */
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_hash_table_add (self->dirty, g_object_ref (item));
    }
  queue_rebuild (self);
}

static void
n_unacked_cb (TwAlertsPage *self)
{
  update_badge (self);
}

/* Rows */

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  if (TW_IS_ALERTS_GROUP (item))
    return G_LIST_MODEL (g_object_ref (TW_ALERTS_GROUP (item)->items));
  return NULL;
}

enum { CELL_ICON, CELL_NAME, CELL_STATE, CELL_META, N_CELLS };

/* Few widgets a row (with accessibility on, each costs): the severity icon, the name
 * with its labels, the state, since and source. */
static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *cells[N_CELLS];

  cells[CELL_ICON] = gtk_image_new ();
  cells[CELL_NAME] = gtk_label_new (NULL);
  cells[CELL_STATE] = gtk_label_new (NULL);
  cells[CELL_META] = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (cells[CELL_NAME]), 0);
  gtk_label_set_ellipsize (GTK_LABEL (cells[CELL_NAME]), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (cells[CELL_NAME]), 20);
  gtk_widget_set_hexpand (cells[CELL_NAME], TRUE);
  gtk_label_set_width_chars (GTK_LABEL (cells[CELL_STATE]), 16);
  gtk_label_set_max_width_chars (GTK_LABEL (cells[CELL_STATE]), 20);
  gtk_label_set_xalign (GTK_LABEL (cells[CELL_STATE]), 0);
  gtk_label_set_ellipsize (GTK_LABEL (cells[CELL_STATE]), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (cells[CELL_STATE], "caption-heading");
  gtk_label_set_width_chars (GTK_LABEL (cells[CELL_META]), 30);
  gtk_label_set_max_width_chars (GTK_LABEL (cells[CELL_META]), 30);
  gtk_label_set_xalign (GTK_LABEL (cells[CELL_META]), 0);
  gtk_label_set_ellipsize (GTK_LABEL (cells[CELL_META]), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (cells[CELL_META], "caption");
  gtk_widget_add_css_class (cells[CELL_META], "dim-label");
  for (guint i = 0; i < N_CELLS; i++)
    gtk_box_append (GTK_BOX (box), cells[i]);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  g_object_set_data_full (G_OBJECT (expander), "tw-cells", g_memdup2 (cells, sizeof cells), g_free);
  gtk_list_item_set_child (list_item, expander);
}

static void
set_name (GtkWidget  *label,
          const char *name,
          const char *detail)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>   <span alpha=\"60%%\">%s</span>",
                                                     name, detail != NULL ? detail : "");

  gtk_label_set_markup (GTK_LABEL (label), markup);
}

static void
expanded_cb (GtkTreeListRow *row,
             GParamSpec     *pspec,
             TwAlertsPage   *self)
{
  GObject *item = gtk_tree_list_row_get_item (row);

  if (TW_IS_ALERTS_GROUP (item) && !self->restoring)
    {
      if (gtk_tree_list_row_get_expanded (row))
        g_hash_table_add (self->expanded, g_strdup (TW_ALERTS_GROUP (item)->name));
      else
        g_hash_table_remove (self->expanded, TW_ALERTS_GROUP (item)->name);
    }
  g_clear_object (&item);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             TwAlertsPage             *self)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget **cells = g_object_get_data (G_OBJECT (expander), "tw-cells");
  g_autoptr(GObject) object = gtk_tree_list_row_get_item (row);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  g_signal_connect_object (row, "notify::expanded", G_CALLBACK (expanded_cb), self, 0);

  if (TW_IS_ALERTS_GROUP (object))
    {
      TwAlertsGroup *group = TW_ALERTS_GROUP (object);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (group->items));
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u alert", "%u alerts", n), n);
      g_autofree char *firing = g_strdup_printf (_("%u firing"), group->n_firing);

      gtk_image_set_from_icon_name (GTK_IMAGE (cells[CELL_ICON]),
                                    _tw_alerts_page_severity_icon (group->worst));
      _tw_alerts_page_set_style (cells[CELL_ICON], _tw_alerts_page_severity_style (group->worst));
      set_name (cells[CELL_NAME], group->name, count);
      gtk_label_set_text (GTK_LABEL (cells[CELL_STATE]), firing);
      _tw_alerts_page_set_style (cells[CELL_STATE], group->n_firing > 0
                                                    ? _tw_alerts_page_severity_style (group->worst)
                                                    : "dim-label");
      gtk_label_set_text (GTK_LABEL (cells[CELL_META]), "");
    }
  else
    {
      TwAlertItem *item = TW_ALERT_ITEM (object);
      g_autofree char *labels = tw_alert_item_format_labels (item);
      g_autofree char *since = _tw_alerts_page_format_time (tw_alert_item_get_starts_at (item));
      g_autofree char *state = _tw_alerts_page_state_text (item);
      g_autofree char *sources = tw_alert_item_format_sources (item);
      g_autofree char *meta = g_strdup_printf ("%s · %s", since, sources);
      TwAlertSeverity severity = tw_alert_item_get_severity (item);

      gtk_image_set_from_icon_name (GTK_IMAGE (cells[CELL_ICON]), _tw_alerts_page_severity_icon (severity));
      _tw_alerts_page_set_style (cells[CELL_ICON], _tw_alerts_page_severity_style (severity));
      set_name (cells[CELL_NAME], tw_alert_item_get_name (item), labels);
      gtk_label_set_text (GTK_LABEL (cells[CELL_STATE]), state);
      _tw_alerts_page_set_style (cells[CELL_STATE], _tw_alerts_page_state_style (item));
      gtk_label_set_text (GTK_LABEL (cells[CELL_META]), meta);
    }
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               TwAlertsPage             *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);

  if (row != NULL)
    g_signal_handlers_disconnect_by_func (row, expanded_cb, self);
}

/* The selection and its details */

TwAlertItem *
_tw_alerts_page_selected_item (TwAlertsPage *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(GObject) object = NULL;

  if (row == NULL)
    return NULL;
  object = gtk_tree_list_row_get_item (row);
  return TW_IS_ALERT_ITEM (object) ? TW_ALERT_ITEM (object) : NULL; /* the service holds it */
}

static void
selection_changed_cb (TwAlertsPage *self)
{
  TwAlertItem *item = _tw_alerts_page_selected_item (self);

  if (self->restoring)
    return;
  if (item != NULL)
    {
      g_free (self->selected_key);
      self->selected_key = g_strdup (tw_alert_item_get_key (item));
    }
  _tw_alerts_page_show_details (self);
}

/* Filters */

static void
filter_changed_cb (TwAlertsPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->severity);

  g_free (self->filter_text);
  self->filter_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search)));
  self->filter_severity = selected == 0 ? -1 : selected == 1 ? TW_ALERT_CRITICAL
                        : selected == 2 ? TW_ALERT_WARNING : TW_ALERT_INFO;
  queue_rebuild (self);
}

void
_tw_alerts_page_set_filter (TwAlertsPage *self,
                            const char   *text,
                            int           severity)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search), text ?: "");
  gtk_drop_down_set_selected (self->severity, severity < 0 ? 0 : severity == TW_ALERT_CRITICAL ? 1
                                                              : severity == TW_ALERT_WARNING ? 2 : 3);
  filter_changed_cb (self);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  rebuild (self);
}

/* Session */

static void
update_receiver (TwAlertsPage *self)
{
  TwAlertReceiver *receiver = self->alerts != NULL ? tw_alerts_service_get_receiver (self->alerts) : NULL;
  g_autofree char *url = receiver != NULL ? tw_alert_receiver_get_url (receiver) : NULL;
  g_autofree char *text = NULL;
  const GError *error = self->alerts != NULL ? tw_alerts_service_get_receiver_error (self->alerts) : NULL;

  if (error != NULL)
    text = g_strdup_printf (_("Webhook receiver off: %s"), error->message);
  else if (url != NULL)
    text = g_strdup_printf (_("Alertmanager webhook: %s"), url);
  else
    text = g_strdup (_("No webhook receiver: set [Alerts] WebhookPort in the profile"));
  gtk_label_set_text (self->receiver_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->receiver_label), text);
}

static void
set_session (TwSessionPage *page,
             TwSession     *session)
{
  TwAlertsPage *self = TW_ALERTS_PAGE (page);
  TwAlertsService *alerts = session != NULL ? tw_session_get_alerts_service (session) : NULL;

  if (self->alerts == alerts)
    return;
  if (self->alerts != NULL)
    {
      g_signal_handlers_disconnect_by_data (tw_alerts_service_get_model (self->alerts), self);
      g_signal_handlers_disconnect_by_data (tw_alerts_service_get_receiver (self->alerts), self);
      g_signal_handlers_disconnect_by_data (self->alerts, self);
    }
  g_set_object (&self->alerts, alerts);
  g_clear_pointer (&self->selected_key, g_free);
  if (alerts != NULL)
    {
      g_signal_connect (tw_alerts_service_get_model (alerts), "items-changed",
                        G_CALLBACK (model_changed_cb), self);
      g_signal_connect_swapped (alerts, "notify::n-unacknowledged", G_CALLBACK (n_unacked_cb), self);
      g_signal_connect_swapped (tw_alerts_service_get_receiver (alerts), "notify::port",
                                G_CALLBACK (update_receiver), self);
    }
  update_receiver (self);
  queue_rebuild (self);
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = set_session;
}

/* For tests */

guint
_tw_alerts_page_get_n_rows (TwAlertsPage *self)
{
  flush_rebuild (self);
  return self->n_rows;
}

guint
_tw_alerts_page_get_n_rebuilds (TwAlertsPage *self)
{
  return self->n_rebuilds;
}

guint
_tw_alerts_page_get_n_groups (TwAlertsPage *self)
{
  _tw_alerts_page_get_n_rows (self);
  return self->n_groups;
}

gboolean
_tw_alerts_page_select (TwAlertsPage *self,
                        const char   *key)
{
  guint n;

  if (!self->restoring)
    flush_rebuild (self);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);
      g_autoptr(GObject) object = gtk_tree_list_row_get_item (row);

      if (TW_IS_ALERTS_GROUP (object))
        {
          if (!gtk_tree_list_row_get_expanded (row))
            {
              GListModel *items = G_LIST_MODEL (TW_ALERTS_GROUP (object)->items);

              for (guint j = 0; j < g_list_model_get_n_items (items); j++)
                {
                  g_autoptr(TwAlertItem) child = g_list_model_get_item (items, j);

                  if (g_strcmp0 (tw_alert_item_get_key (child), key) == 0)
                    {
                      gtk_tree_list_row_set_expanded (row, TRUE);
                      n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
                      break;
                    }
                }
            }
          continue;
        }
      if (g_strcmp0 (tw_alert_item_get_key (TW_ALERT_ITEM (object)), key) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          if (!self->restoring)
            {
              g_free (self->selected_key);
              self->selected_key = g_strdup (key);
              _tw_alerts_page_show_details (self);
            }
          return TRUE;
        }
    }
  return FALSE;
}

const char *
_tw_alerts_page_get_details_title (TwAlertsPage *self)
{
  flush_rebuild (self);
  return self->details_title;
}

const char *
_tw_alerts_page_get_details_state (TwAlertsPage *self)
{
  flush_rebuild (self);
  return self->details_state;
}

const char *
_tw_alerts_page_get_details_ack (TwAlertsPage *self)
{
  flush_rebuild (self);
  return self->details_ack;
}

gboolean
_tw_alerts_page_is_busy (TwAlertsPage *self)
{
  return self->busy > 0;
}

const char *
_tw_alerts_page_get_receiver_text (TwAlertsPage *self)
{
  return gtk_label_get_text (self->receiver_label);
}

const char *
_tw_alerts_page_get_last_error (TwAlertsPage *self)
{
  return self->last_error;
}

/* GObject */

static void
tw_alerts_page_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tw_alerts_page_parent_class)->root (widget);
  update_badge (TW_ALERTS_PAGE (widget));
}

static void
tw_alerts_page_dispose (GObject *object)
{
  TwAlertsPage *self = TW_ALERTS_PAGE (object);

  set_session (TW_SESSION_PAGE (self), NULL);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->silences_window != NULL)
    gtk_window_destroy (self->silences_window);

  G_OBJECT_CLASS (tw_alerts_page_parent_class)->dispose (object);
}

static void
tw_alerts_page_finalize (GObject *object)
{
  TwAlertsPage *self = TW_ALERTS_PAGE (object);

  g_clear_object (&self->selection);
  g_clear_pointer (&self->silences, g_ptr_array_unref);
  g_hash_table_unref (self->expanded);
  g_hash_table_unref (self->groups);
  g_hash_table_unref (self->dirty);
  g_free (self->selected_key);
  g_free (self->filter_text);
  g_free (self->last_error);
  g_free (self->details_title);
  g_free (self->details_state);
  g_free (self->details_ack);

  G_OBJECT_CLASS (tw_alerts_page_parent_class)->finalize (object);
}

static void
tw_alerts_page_class_init (TwAlertsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_alerts_page_dispose;
  object_class->finalize = tw_alerts_page_finalize;
  widget_class->root = tw_alerts_page_root;
}

static void
tw_alerts_page_init (TwAlertsPage *self)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *status_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *paned = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *details_scrolled = gtk_scrolled_window_new ();
  GtkWidget *empty = adw_status_page_new ();
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  const char * const severities[] = { _("All severities"), _("Critical"), _("Warning"), _("Info"), NULL };

  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->dirty = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->filter_severity = -1;
  self->root = g_list_store_new (G_TYPE_OBJECT);
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (self->root), FALSE, FALSE, create_children, NULL, NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->tree));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);

  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->search), TRUE);
  g_object_set (self->search, "placeholder-text", _("Filter by name, label or source"), NULL);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (filter_changed_cb), self);
  self->severity = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (severities));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->severity), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Severity"), -1);
  g_signal_connect_swapped (self->severity, "notify::selected", G_CALLBACK (filter_changed_cb), self);
  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->search));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->severity));
  {
    GtkWidget *silences = gtk_button_new_with_mnemonic (_("Si_lences…"));

    gtk_widget_set_tooltip_text (silences, _("The Alertmanagers' active silences"));
    g_signal_connect_swapped (silences, "clicked", G_CALLBACK (_tw_alerts_page_open_silences), self);
    gtk_box_append (GTK_BOX (bar), silences);
  }
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 12);
  gtk_widget_set_margin_bottom (bar, 6);

  self->receiver_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->receiver_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->receiver_label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->receiver_label), "dim-label");
  /* The counts beside it, under the filters: in the bar they left the search entry
   * too narrow for its placeholder with large text. Neither is cut: they wrap. */
  gtk_label_set_wrap (self->receiver_label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->receiver_label), TRUE);
  gtk_label_set_xalign (self->count_label, 1);
  gtk_label_set_wrap (self->count_label, TRUE);
  gtk_label_set_justify (self->count_label, GTK_JUSTIFY_RIGHT);
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "caption");
  gtk_box_append (GTK_BOX (status_bar), GTK_WIDGET (self->receiver_label));
  gtk_box_append (GTK_BOX (status_bar), GTK_WIDGET (self->count_label));
  gtk_widget_set_margin_start (status_bar, 12);
  gtk_widget_set_margin_end (status_bar, 12);
  gtk_widget_set_margin_bottom (status_bar, 6);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  self->list = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory));
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));
  gtk_widget_set_hexpand (scrolled, TRUE);

  self->details = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 8));
  gtk_widget_set_margin_start (GTK_WIDGET (self->details), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (self->details), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (self->details), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->details), 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (details_scrolled), GTK_WIDGET (self->details));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (details_scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (details_scrolled, 400, -1);
  gtk_widget_set_hexpand (details_scrolled, FALSE);

  gtk_box_append (GTK_BOX (paned), scrolled);
  gtk_box_append (GTK_BOX (paned), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (paned), details_scrolled);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "emblem-ok-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Alerts"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("The console's own alerts and those of the profile's Alertmanagers show here."));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_stack_add_named (self->stack, paned, "list");
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);

  gtk_box_append (GTK_BOX (outer), bar);
  gtk_box_append (GTK_BOX (outer), status_bar);
  gtk_box_append (GTK_BOX (outer), GTK_WIDGET (self->stack));
  adw_bin_set_child (ADW_BIN (self), outer);
  update_receiver (self);
  _tw_alerts_page_show_details (self);
}

GtkWidget *
tw_alerts_page_new (void)
{
  return g_object_new (TW_TYPE_ALERTS_PAGE, NULL);
}
