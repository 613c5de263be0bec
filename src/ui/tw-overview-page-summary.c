/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-overview-page.h"
#include "tw-overview-page-private.h"

#include <glib/gi18n.h>

#include "tw-trading-summary.h"
#include "tw-ui-util.h"

/* The Overview's lines above the list of services: whether trading is safe, the
 * services' health, the failed-halt banner and the broker accounts whose mode is not
 * the profile's. */

/* TwWrapBin: a wrapping label's parent that asks for its width once.
 *
 * The lines above the list are an icon and a wrapping label in a horizontal GtkBox. GTK
 * 4.8's box, measured for its height at a width, looks for its children's widths at a
 * dozen heights (a bisection in its distribute_remaining_size ()), and GtkLabel answers
 * each from fresh layouts of its text, broken at every word and shaped again: 0.6–0.7 ms
 * a height for the trading line in the opening's traces, a dozen heights for each line
 * in every frame that lays the page out (every frame while the list grows). The label
 * takes the line's whole width anyway (hexpand); this bin gives the box the label's
 * width for any height from one measure, and passes its height for a width through. */
struct _TwWrapBin
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (TwWrapBin, tw_wrap_bin, GTK_TYPE_WIDGET)

static GtkSizeRequestMode
tw_wrap_bin_get_request_mode (GtkWidget *widget)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  return child != NULL ? gtk_widget_get_request_mode (child) : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
tw_wrap_bin_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child == NULL || !gtk_widget_should_layout (child))
    return;
  gtk_widget_measure (child, orientation,
                      orientation == GTK_ORIENTATION_HORIZONTAL ? -1 : for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
tw_wrap_bin_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

static void
tw_wrap_bin_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tw_wrap_bin_parent_class)->dispose (object);
}

static void
tw_wrap_bin_class_init (TwWrapBinClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = tw_wrap_bin_dispose;
  widget_class->get_request_mode = tw_wrap_bin_get_request_mode;
  widget_class->measure = tw_wrap_bin_measure;
  widget_class->size_allocate = tw_wrap_bin_size_allocate;
  /* A group, as a GtkBox: GTK 4.8's AT-SPI bridge crashed on children under a plain
   * widget's role (see TwBannerBox). */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tw_wrap_bin_init (TwWrapBin *self)
{
}

/* What the summary lists, worst first. */
typedef enum
{
  PROBLEM_UNREACHABLE,
  PROBLEM_AUTH_FAILED,
  PROBLEM_ERROR,
  PROBLEM_DEGRADED,
  PROBLEM_STALE,
  PROBLEM_WAITING,
} Problem;

/* Each plural pair a direct ngettext () call, so xgettext sees msgid and msgid_plural. */
static char *
describe_problem (Problem problem,
                  guint   n)
{
  switch (problem)
    {
    case PROBLEM_UNREACHABLE:
      return g_strdup_printf (ngettext ("%u service unreachable",
                                        "%u services unreachable", n), n);
    case PROBLEM_AUTH_FAILED:
      return g_strdup_printf (ngettext ("%u service rejected its credentials",
                                        "%u services rejected their credentials", n), n);
    case PROBLEM_ERROR:
      return g_strdup_printf (ngettext ("%u service in error",
                                        "%u services in error", n), n);
    case PROBLEM_DEGRADED:
      return g_strdup_printf (ngettext ("%u service degraded",
                                        "%u services degraded", n), n);
    case PROBLEM_STALE:
      return g_strdup_printf (ngettext ("%u service stale",
                                        "%u services stale", n), n);
    case PROBLEM_WAITING:
      return g_strdup_printf (ngettext ("%u service waiting for a first answer",
                                        "%u services waiting for a first answer", n), n);
    default:
      break;
    }
  g_return_val_if_reached (NULL);
}

static void
append_count (GString *str,
              Problem  problem,
              guint    n)
{
  g_autofree char *text = NULL;

  if (n == 0)
    return;
  text = describe_problem (problem, n);
  if (str->len > 0)
    g_string_append (str, _(", "));
  g_string_append (str, text);
}

void
_tw_overview_page_update_summary (TwOverviewPage *self)
{
  guint counts[TW_SERVICE_STATE_ERROR + 1] = { 0, };
  guint n = self->watched->len;
  guint n_stale = 0;
  g_autoptr(GString) str = g_string_new (NULL);
  const char *icon;
  const char *style;

  for (guint i = 0; i < n; i++)
    {
      TwService *service = g_ptr_array_index (self->watched, i);
      TwServiceState state = tw_service_get_state (service);

      if (state <= TW_SERVICE_STATE_ERROR)
        counts[state]++;
      if (state == TW_SERVICE_STATE_OK && tw_service_get_stale (service))
        n_stale++;
    }

  if (n == 0)
    {
      g_string_append (str, _("No services in this profile"));
      icon = "network-server-symbolic";
      style = NULL;
    }
  else if (counts[TW_SERVICE_STATE_OK] == n && n_stale == 0)
    {
      g_string_append_printf (str, ngettext ("%u of %u service OK", "%u of %u services OK", n),
                              counts[TW_SERVICE_STATE_OK], n);
      icon = "emblem-ok-symbolic";
      style = "success";
    }
  else
    {
      append_count (str, PROBLEM_UNREACHABLE, counts[TW_SERVICE_STATE_UNREACHABLE]);
      append_count (str, PROBLEM_AUTH_FAILED, counts[TW_SERVICE_STATE_AUTH_FAILED]);
      append_count (str, PROBLEM_ERROR, counts[TW_SERVICE_STATE_ERROR]);
      append_count (str, PROBLEM_DEGRADED, counts[TW_SERVICE_STATE_DEGRADED]);
      append_count (str, PROBLEM_STALE, n_stale);
      append_count (str, PROBLEM_WAITING, counts[TW_SERVICE_STATE_UNKNOWN]);
      /* Translators: appended to the list of problems, e.g. " — 4 of 5 OK" */
      g_string_append_printf (str, _(" — %u of %u OK"), counts[TW_SERVICE_STATE_OK], n);

      if (counts[TW_SERVICE_STATE_UNREACHABLE] + counts[TW_SERVICE_STATE_AUTH_FAILED]
          + counts[TW_SERVICE_STATE_ERROR] > 0)
        {
          icon = "dialog-error-symbolic";
          style = "error";
        }
      else if (counts[TW_SERVICE_STATE_DEGRADED] + n_stale > 0)
        {
          icon = "dialog-warning-symbolic";
          style = "warning";
        }
      else
        {
          icon = "content-loading-symbolic";
          style = NULL;
        }
    }

  if (g_strcmp0 (gtk_label_get_label (self->summary_label), str->str) != 0)
    gtk_label_set_label (self->summary_label, str->str);
  tw_ui_set_icon_name (self->summary_icon, icon);
  tw_ui_set_status_style (GTK_WIDGET (self->summary_icon), style);
}

/* The first line: whether trading is safe, from the risk monitor's states and the last
 * Halt All, in the urgency's colour. */
void
_tw_overview_page_update_trading (TwOverviewPage *self)
{
  TwTradingUrgency urgency = TW_TRADING_URGENCY_NONE;
  g_autofree char *text = NULL;
  const char *icon;
  const char *style;

  self->trading_dirty = FALSE;
  if (self->states != NULL)
    text = tw_trading_summary_describe (self->states,
                                        self->session != NULL ? tw_session_get_last_halt (self->session) : NULL,
                                        &urgency);
  switch (urgency)
    {
    case TW_TRADING_URGENCY_OK:
      icon = "media-playback-start-symbolic";
      style = "success";
      break;
    case TW_TRADING_URGENCY_WARNING:
      icon = "dialog-warning-symbolic";
      style = "warning";
      break;
    case TW_TRADING_URGENCY_CRITICAL:
      icon = "dialog-error-symbolic";
      style = "error";
      break;
    case TW_TRADING_URGENCY_NONE:
    default:
      icon = NULL;
      style = NULL;
      break;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->trading_box), text != NULL);
  if (text != NULL && g_strcmp0 (gtk_label_get_label (self->trading_label), text) != 0)
    gtk_label_set_label (self->trading_label, text);
  tw_ui_set_icon_name (self->trading_icon, icon);
  tw_ui_set_status_style (GTK_WIDGET (self->trading_icon), style);
  tw_ui_set_status_style (GTK_WIDGET (self->trading_label), style);
}

static gboolean
trading_idle_cb (gpointer user_data)
{
  TwOverviewPage *self = user_data;

  self->trading_idle = 0;
  _tw_overview_page_update_trading (self);
  return G_SOURCE_REMOVE;
}

/* Once per burst of answers, and only while shown. */
static void
queue_trading_update (TwOverviewPage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->trading_dirty = TRUE;
      return;
    }
  if (self->trading_idle == 0)
    self->trading_idle = g_idle_add (trading_idle_cb, self);
}

void
_tw_overview_page_unwatch_states (TwOverviewPage *self)
{
  for (guint i = 0; i < self->watched_states->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_states, i), self);
  g_ptr_array_set_size (self->watched_states, 0);
}

TwTradingState *
_tw_overview_page_lookup_state (TwOverviewPage *self,
                                const char     *service_id)
{
  for (guint i = 0; service_id != NULL && i < self->watched_states->len; i++)
    {
      TwTradingState *state = g_ptr_array_index (self->watched_states, i);

      if (g_strcmp0 (tw_trading_state_get_service_id (state), service_id) == 0)
        return state;
    }
  return NULL;
}

/* Every answer sets "updated-at", which the summary does not show: breakers changing
 * what it counts notify "n-tripped". */
static void
trading_notify_cb (TwOverviewPage *self,
                   GParamSpec     *pspec)
{
  if (g_str_equal (g_param_spec_get_name (pspec), "updated-at"))
    return;
  queue_trading_update (self);
}

void
_tw_overview_page_rewatch_states (TwOverviewPage *self)
{
  guint n = self->states != NULL ? g_list_model_get_n_items (self->states) : 0;

  _tw_overview_page_unwatch_states (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (self->states, i);

      g_signal_connect_swapped (state, "notify", G_CALLBACK (trading_notify_cb), self);
      g_ptr_array_add (self->watched_states, g_steal_pointer (&state));
    }
  for (guint i = 0; i < self->rows->len; i++)
    {
      TwServiceRow *row = g_ptr_array_index (self->rows, i);
      TwService *service = tw_service_row_get_service (row);
      const char *id = service != NULL ? tw_service_get_id (service) : NULL;

      tw_service_row_set_trading_state (row, id != NULL ? _tw_overview_page_lookup_state (self, id) : NULL);
    }
  _tw_overview_page_update_trading (self);
}

void
_tw_overview_page_halt_failure_changed (TwOverviewPage *self)
{
  const char *failure = self->session != NULL ? tw_session_get_halt_failure (self->session) : NULL;

  if (failure != NULL)
    gtk_label_set_label (self->failure_label, failure);
  /* A crossfading revealer keeps its child's size hidden: no empty band without one. */
  gtk_widget_set_visible (GTK_WIDGET (self->failure_revealer), failure != NULL);
  gtk_revealer_set_reveal_child (self->failure_revealer, failure != NULL);
  _tw_overview_page_update_trading (self);
}

/* A broker account whose mode is not the profile's, one line each; a LIVE account in a
 * PAPER profile is the louder. */
static void
update_mode (TwOverviewPage *self)
{
  g_autoptr(GString) str = g_string_new (NULL);
  gboolean error = FALSE;
  TwMode mode;

  if (self->mode_box == NULL)
    return;
  mode = self->workspace != NULL ? tw_profile_get_mode (tw_workspace_get_profile (self->workspace))
                                 : TW_MODE_PAPER;
  for (guint i = 0; self->workspace != NULL && i < self->watched_accounts->len; i++)
    {
      TwAccount *account = g_ptr_array_index (self->watched_accounts, i);
      const char *name = tw_account_get_service_name (account);
      gboolean paper = tw_account_get_paper (account);

      if (!tw_account_get_paper_known (account) || paper == (mode == TW_MODE_PAPER))
        continue;
      if (name == NULL)
        name = tw_account_get_service_id (account);
      if (str->len > 0)
        g_string_append_c (str, '\n');
      if (!paper)
        {
          error = TRUE;
          /* Translators: %s is a service's name */
          g_string_append_printf (str, _("%s reaches a LIVE account in this PAPER profile: its orders trade real money"),
                                  name);
        }
      else
        /* Translators: %s is a service's name */
        g_string_append_printf (str, _("%s reaches a PAPER account in this LIVE profile: its orders are not real"),
                                name);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->mode_box), str->len > 0);
  if (g_strcmp0 (gtk_label_get_label (self->mode_label), str->str) != 0)
    gtk_label_set_label (self->mode_label, str->str);
  tw_ui_set_icon_name (self->mode_icon, error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  tw_ui_set_status_style (GTK_WIDGET (self->mode_icon), error ? "error" : "warning");
}

void
_tw_overview_page_rewatch_accounts (TwOverviewPage *self)
{
  guint n = self->accounts != NULL ? g_list_model_get_n_items (self->accounts) : 0;

  for (guint i = 0; i < self->watched_accounts->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_accounts, i), self);
  g_ptr_array_set_size (self->watched_accounts, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwAccount) account = g_list_model_get_item (self->accounts, i);

      /* Only the mode: the figures change every poll and cost the page nothing. */
      g_signal_connect_swapped (account, "notify::paper", G_CALLBACK (update_mode), self);
      g_ptr_array_add (self->watched_accounts, g_steal_pointer (&account));
    }
  update_mode (self);
}

const char *
tw_overview_page_get_summary (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);

  return gtk_label_get_label (self->summary_label);
}

const char *
tw_overview_page_get_trading_summary (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);

  /* What it would show: the work a burst of answers queued, done now. */
  if (self->trading_idle != 0 || self->trading_dirty)
    {
      g_clear_handle_id (&self->trading_idle, g_source_remove);
      _tw_overview_page_update_trading (self);
    }
  if (!gtk_widget_get_visible (GTK_WIDGET (self->trading_box)))
    return NULL;
  return gtk_label_get_label (self->trading_label);
}

const char *
tw_overview_page_get_trading_style (TwOverviewPage *self)
{
  static const char * const styles[] = { "success", "warning", "error" };

  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (gtk_widget_has_css_class (GTK_WIDGET (self->trading_label), styles[i]))
      return styles[i];
  return NULL;
}

const char *
tw_overview_page_get_mode_warning (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->mode_box)))
    return NULL;
  return gtk_label_get_label (self->mode_label);
}

const char *
tw_overview_page_get_halt_failure (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->failure_revealer))
    return NULL;
  return gtk_label_get_label (self->failure_label);
}
