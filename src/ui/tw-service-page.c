/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tw-service-page.h"
#include "tw-service-page-private.h"
#include "tw-component.h"
#include "tw-trading-format.h"
#include "tw-ui-util.h"

G_DEFINE_FINAL_TYPE (TwServicePage, tw_service_page, ADW_TYPE_BIN)

/* ---- updates ---- */

static void
update_error (TwServicePage *self,
              guint          section)
{
  const char *error = NULL;

  if (self->errors[section] == NULL)
    return;
  if (section == TW_SERVICE_PAGE_HEALTH)
    error = self->service != NULL ? tw_service_get_last_error (self->service) : NULL;
  else if (self->details != NULL)
    error = tw_service_details_get_error (self->details, section);
  gtk_label_set_label (self->errors[section], error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->errors[section]), error != NULL);
}

static void
add_figure (TwServicePage *self,
            const char    *name,
            const char    *caption,
            const char    *value,
            const char    *style)
{
  GtkWidget *sparkline = tw_sparkline_new ();
  const TwFigureSample *samples;
  guint n_samples = 0;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *number = gtk_label_new (value);
  GtkWidget *label = gtk_label_new (caption);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_size_request (box, 140, -1);
  gtk_widget_add_css_class (number, "title-3");
  gtk_widget_add_css_class (number, "numeric");
  if (style != NULL)
    gtk_widget_add_css_class (number, style);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (number, 8);
  gtk_widget_set_margin_bottom (label, 8);
  gtk_widget_set_margin_start (box, 2);
  gtk_widget_set_margin_end (box, 2);
  /* The figure over the last hour, as this console polled it. */
  samples = tw_service_details_get_figure_history (self->details, name, &n_samples);
  tw_sparkline_set_values (TW_SPARKLINE (sparkline), samples, n_samples);
  gtk_widget_set_margin_start (sparkline, 10);
  gtk_widget_set_margin_end (sparkline, 10);
  gtk_widget_set_tooltip_text (sparkline, _("The last hour"));
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), sparkline);
  gtk_box_append (GTK_BOX (box), label);
  gtk_flow_box_append (self->figures_box, box);
}

/* The runbooks' key figures, in their order, those the service reports only. */
static void
update_figures (TwServicePage *self)
{
  TwDetailItem *figures;
  GtkWidget *child;
  double v;

  if (self->figures_box == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->figures_box))) != NULL)
    gtk_flow_box_remove (self->figures_box, child);
  if (self->details == NULL)
    return;
  figures = tw_service_details_get_figures (self->details);

#define FIGURE(name) (v = tw_detail_item_get_number (figures, name), !isnan (v))
  if (FIGURE ("daily-pnl"))
    {
      g_autofree char *text = tw_trading_format_signed_money (v);
      add_figure (self, "daily-pnl", _("Daily P&L"), text, tw_trading_pl_style (v));
    }
  if (FIGURE ("total-pnl"))
    {
      g_autofree char *text = tw_trading_format_signed_money (v);
      add_figure (self, "total-pnl", _("Total P&L"), text, tw_trading_pl_style (v));
    }
  if (FIGURE ("win-rate"))
    {
      g_autofree char *text = g_strdup_printf ("%.1f %%", v * 100);
      add_figure (self, "win-rate", _("Win rate"), text, NULL);
    }
  if (FIGURE ("sharpe-ratio"))
    {
      g_autofree char *text = g_strdup_printf ("%.2f", v);
      add_figure (self, "sharpe-ratio", _("Sharpe ratio"), text, v < 0 ? "error" : NULL);
    }
  if (FIGURE ("max-drawdown"))
    {
      g_autofree char *text = g_strdup_printf ("%.1f %%", v * 100);
      /* 001: a drawdown past 5 % with a negative Sharpe ratio is its P1 alert */
      add_figure (self, "max-drawdown", _("Max drawdown"), text, v > 0.05 ? "warning" : NULL);
    }
  if (FIGURE ("risk-rejections"))
    {
      g_autofree char *text = _tw_service_page_format_number (v);
      add_figure (self, "risk-rejections", _("Risk rejections"), text, NULL);
    }
  if (FIGURE ("broker-errors"))
    {
      g_autofree char *text = _tw_service_page_format_number (v);
      add_figure (self, "broker-errors", _("Broker errors"), text, v > 0 ? "warning" : NULL);
    }
  if (FIGURE ("latency-p50"))
    {
      g_autofree char *text = tw_ui_format_latency (v * 1000);
      add_figure (self, "latency-p50", _("Latency p50"), text, NULL);
    }
  if (FIGURE ("latency-p95"))
    {
      g_autofree char *text = tw_ui_format_latency (v * 1000);
      /* 003: submission latency p95 above 5 s is its "High Order Submission Latency" */
      add_figure (self, "latency-p95", _("Latency p95"), text, v > 5 ? "error" : NULL);
    }
  if (FIGURE ("latency-p99"))
    {
      g_autofree char *text = tw_ui_format_latency (v * 1000);
      add_figure (self, "latency-p99", _("Latency p99"), text, NULL);
    }
  if (FIGURE ("total-trades"))
    {
      g_autofree char *text = _tw_service_page_format_number (v);
      add_figure (self, "total-trades", _("Trades"), text, NULL);
    }
#undef FIGURE
  gtk_widget_set_visible (GTK_WIDGET (self->figures_box),
                          gtk_widget_get_first_child (GTK_WIDGET (self->figures_box)) != NULL);
}

static void
update_clock (TwServicePage *self)
{
  TwDetailItem *clock;
  g_autofree char *next_open = NULL;
  g_autofree char *next_close = NULL;
  g_autofree char *subtitle = NULL;
  TwHealth health;

  if (self->clock_row == NULL || self->details == NULL)
    return;
  clock = tw_service_details_get_clock (self->details);
  health = tw_detail_item_get_health (clock);
  next_open = _tw_service_page_format_iso_time (tw_detail_item_get_string (clock, "next-open"));
  next_close = _tw_service_page_format_iso_time (tw_detail_item_get_string (clock, "next-close"));
  if (health == TW_HEALTH_OK)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->clock_row), _("Market open"));
      if (next_close != NULL)
        subtitle = g_strdup_printf (_("Closes %s"), next_close);
    }
  else if (health == TW_HEALTH_DOWN)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->clock_row), _("Market closed"));
      if (next_open != NULL)
        subtitle = g_strdup_printf (_("Opens %s"), next_open);
    }
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->clock_row),
                                   tw_service_details_is_loaded (self->details, TW_DETAIL_CLOCK)
                                     ? _("Market state not reported") : _("Reading the market clock…"));
  adw_action_row_set_subtitle (self->clock_row, subtitle != NULL ? subtitle : "");
}

static void
add_order_field (TwServicePage *self,
                 const char    *title,
                 const char    *value)
{
  GtkWidget *row;

  if (value == NULL)
    return;
  row = _tw_service_page_new_row (title, value);
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (self->order_list, row);
}

/* The order last activated: its detail (orders.get) and approval (approvals.status). */
static void
update_order (TwServicePage *self)
{
  TwDetailItem *order;
  const char *error;
  GtkWidget *child;
  double qty, limit;

  if (self->order_list == NULL || self->details == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->order_list))) != NULL)
    gtk_list_box_remove (self->order_list, child);
  order = tw_service_details_get_order (self->details);
  error = tw_service_details_get_order_error (self->details);
  gtk_widget_set_visible (GTK_WIDGET (self->order_list), order != NULL);
  if (order == NULL)
    return;

  add_order_field (self, _("Order"), tw_detail_item_get_string (order, "id"));
  add_order_field (self, _("Symbol"), tw_detail_item_get_string (order, "symbol"));
  add_order_field (self, _("Side"), tw_detail_item_get_string (order, "side"));
  qty = tw_detail_item_get_number (order, "qty");
  if (!isnan (qty))
    {
      g_autofree char *text = tw_trading_format_qty (qty);
      add_order_field (self, _("Quantity"), text);
    }
  add_order_field (self, _("Type"), tw_detail_item_get_string (order, "type"));
  limit = tw_detail_item_get_number (order, "limit-price");
  if (!isnan (limit))
    {
      g_autofree char *text = tw_trading_format_money (limit);
      add_order_field (self, _("Limit price"), text);
    }
  add_order_field (self, _("State"), tw_detail_item_get_string (order, "status"));
  add_order_field (self, _("Approval"), tw_detail_item_get_string (order, "approval-status"));
  {
    g_autofree char *created = _tw_service_page_format_iso_time (tw_detail_item_get_string (order, "created-at"));
    add_order_field (self, _("Created"), created);
  }
  /* 003 follows an order through its audit trail by this id (audit/correlation_id/ID): a
   * click shows the lines of every log that carry it. */
  if (tw_detail_item_get_string (order, "id") != NULL)
    {
      const char *id = tw_detail_item_get_string (order, "id");
      GtkWidget *row = _tw_service_page_new_row (_("Correlation ID"), id);
      GtkWidget *icon = gtk_image_new_from_icon_name ("go-next-symbolic");

      gtk_widget_add_css_class (row, "property");
      gtk_widget_set_tooltip_text (row, _("Show the log lines with this correlation ID"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-logs-for-correlation");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", id);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _("Show the log lines with this correlation ID"), -1);
      gtk_list_box_append (self->order_list, row);
      _tw_service_page_add_audit_row (self, id);
    }
  if (error != NULL)
    {
      GtkWidget *row = _tw_service_page_new_row (_("Not all of it could be read"), error);

      gtk_widget_add_css_class (row, "error");
      gtk_list_box_append (self->order_list, row);
    }
}

static void
update_health (TwServicePage *self)
{
  g_autofree char *latency = NULL;
  g_autofree char *text = NULL;
  TwServiceHistory *history;
  guint changes;

  if (self->service == NULL)
    return;
  gtk_label_set_label (self->state_label, tw_ui_service_state_label (tw_service_get_state (self->service)));
  tw_ui_set_status_style (GTK_WIDGET (self->state_label),
                          tw_ui_service_state_style (tw_service_get_state (self->service)));
  latency = tw_ui_format_latency (tw_service_get_latency_ms (self->service));
  history = self->details != NULL ? tw_service_details_get_history (self->details) : NULL;
  changes = history != NULL ? tw_service_history_count_changes (history) : 0;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Latency %s · %u state change in the last hour",
                                       "Latency %s · %u state changes in the last hour", changes),
                          latency != NULL ? latency : "—", changes);
  gtk_label_set_label (self->health_summary, text);
  update_error (self, TW_SERVICE_PAGE_HEALTH);
  /* A service that reports no components has no empty list under its sparkline. */
  if (self->lists[TW_SERVICE_PAGE_HEALTH] != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->lists[TW_SERVICE_PAGE_HEALTH]),
                            g_list_model_get_n_items (tw_service_get_components (self->service)) > 0);
}

static void
update_all (gpointer widget)
{
  TwServicePage *self = widget;

  update_health (self);
  update_figures (self);
  update_clock (self);
  update_order (self);
  for (guint s = 0; s < TW_DETAIL_N_SECTIONS; s++)
    update_error (self, s);
  _tw_service_page_reveal_pending (self);
}

static void
updated_cb (TwServicePage *self,
            guint          section)
{
  tw_ui_update_when_mapped (GTK_WIDGET (self), update_all);
}

static void
service_changed_cb (TwServicePage *self)
{
  tw_ui_update_when_mapped (GTK_WIDGET (self), update_all);
}

/* ---- reading ---- */

static gboolean
timer_cb (gpointer user_data)
{
  TwServicePage *self = user_data;

  if (self->details != NULL)
    tw_service_details_refresh (self->details);
  return G_SOURCE_CONTINUE;
}

static void
start_reading (TwServicePage *self)
{
  TwWorkspace *workspace = self->session != NULL ? tw_session_get_workspace (self->session) : NULL;
  guint interval_ms = workspace != NULL ? tw_workspace_get_poll_interval (workspace) : 5000;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->details == NULL)
    return;
  tw_service_details_refresh (self->details);
  self->timer_id = g_timeout_add (MAX (interval_ms, 1000), timer_cb, self);
}

static void
tw_service_page_map (GtkWidget *widget)
{
  TwServicePage *self = TW_SERVICE_PAGE (widget);

  GTK_WIDGET_CLASS (tw_service_page_parent_class)->map (widget);
  _tw_service_page_bind_lists (self, TRUE);
  update_all (self);
  start_reading (self);
}

static void
tw_service_page_unmap (GtkWidget *widget)
{
  TwServicePage *self = TW_SERVICE_PAGE (widget);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  _tw_service_page_bind_lists (self, FALSE);
  GTK_WIDGET_CLASS (tw_service_page_parent_class)->unmap (widget);
}

static void
rebind (TwServicePage *self)
{
  TwServiceDetails *details = NULL;
  TwService *service = NULL;

  if (self->session != NULL && self->service_id != NULL)
    {
      details = tw_session_get_service_details (self->session, self->service_id);
      service = tw_profile_lookup_service (tw_session_get_profile (self->session), self->service_id);
    }
  if (details == self->details && service == self->service)
    return;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  _tw_service_page_bind_lists (self, FALSE);
  if (self->details != NULL)
    g_signal_handlers_disconnect_by_data (self->details, self);
  if (self->service != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_signal_handlers_disconnect_by_data (tw_service_get_components (self->service), self);
    }
  g_set_object (&self->details, details);
  g_set_object (&self->service, service);

  if (service != NULL)
    {
      TwConnectorRegistry *registry = tw_session_get_registry (self->session);
      TwConnector *connector = tw_connector_registry_lookup (registry, tw_service_get_connector_id (service));
      g_autofree char *subtitle = g_strdup_printf ("%s · %s",
                                                   connector != NULL ? tw_connector_get_name (connector)
                                                                     : tw_service_get_connector_id (service),
                                                   tw_service_get_base_url (service) != NULL
                                                     ? tw_service_get_base_url (service) : "");

      gtk_label_set_label (self->title_label, tw_service_get_name (service));
      gtk_label_set_label (self->subtitle_label, subtitle);
      g_signal_connect_swapped (service, "notify::state", G_CALLBACK (service_changed_cb), self);
      g_signal_connect_swapped (service, "notify::latency-ms", G_CALLBACK (service_changed_cb), self);
      g_signal_connect_swapped (service, "notify::last-error", G_CALLBACK (service_changed_cb), self);
      g_signal_connect_object (tw_service_get_components (service), "items-changed",
                               G_CALLBACK (service_changed_cb), self, G_CONNECT_SWAPPED);
    }
  else
    {
      gtk_label_set_label (self->title_label, "");
      gtk_label_set_label (self->subtitle_label, "");
    }
  if (details != NULL)
    g_signal_connect_swapped (details, "updated", G_CALLBACK (updated_cb), self);

  _tw_service_page_build_sections (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      _tw_service_page_bind_lists (self, TRUE);
      update_all (self);
      start_reading (self);
    }
}

/* ---- GObject ---- */

static void
tw_service_page_dispose (GObject *object)
{
  TwServicePage *self = TW_SERVICE_PAGE (object);

  _tw_service_page_dispose_actions (self);
  tw_service_page_set_session (self, NULL);
  _tw_service_page_clear_sections (self);
  g_clear_pointer (&self->service_id, g_free);

  G_OBJECT_CLASS (tw_service_page_parent_class)->dispose (object);
}

static void
tw_service_page_class_init (TwServicePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_service_page_dispose;
  widget_class->map = tw_service_page_map;
  widget_class->unmap = tw_service_page_unmap;

  _tw_service_page_install_actions (widget_class);
  /* Escape goes back to the Overview, as the Back button does. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "overview.back", NULL);
}

static void
tw_service_page_init (TwServicePage *self)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *back = gtk_button_new_from_icon_name ("go-previous-symbolic");

  self->pending_section = N_GROUPS;

  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "overview.back");
  gtk_widget_set_tooltip_text (back, _("Back to the Overview"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Back to the Overview"), -1);
  gtk_widget_set_valign (back, GTK_ALIGN_CENTER);
  self->back_button = back;

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "title-2");
  gtk_label_set_xalign (self->title_label, 0);
  self->subtitle_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "dim-label");
  gtk_label_set_xalign (self->subtitle_label, 0);
  gtk_label_set_ellipsize (self->subtitle_label, PANGO_ELLIPSIZE_MIDDLE);
  self->state_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_valign (GTK_WIDGET (self->state_label), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "heading");
  gtk_widget_set_hexpand (titles, TRUE);

  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->title_label));
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->subtitle_label));
  gtk_box_append (GTK_BOX (header), back);
  gtk_box_append (GTK_BOX (header), titles);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->state_label));
  {
    /* The keys, as from the Overview's row (which gives the button up in a narrow
     * window): the Keys page. */
    GtkWidget *keys = gtk_button_new_from_icon_name ("dialog-password-symbolic");

    gtk_actionable_set_action_name (GTK_ACTIONABLE (keys), "win.show-page");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (keys), "s", "keys");
    gtk_widget_set_tooltip_text (keys, _("Rotate or revoke keys"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (keys), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Rotate or revoke keys"), -1);
    gtk_widget_set_valign (keys, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (keys, "flat");
    gtk_box_append (GTK_BOX (header), keys);
  }

  self->sections_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 24));
  gtk_widget_set_margin_start (GTK_WIDGET (self->sections_box), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->sections_box), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->sections_box), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->sections_box), 24);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->sections_box));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);

  gtk_box_append (GTK_BOX (outer), header);
  gtk_box_append (GTK_BOX (outer), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (outer), scrolled);
  adw_bin_set_child (ADW_BIN (self), outer);
}

GtkWidget *
tw_service_page_new (void)
{
  return g_object_new (TW_TYPE_SERVICE_PAGE, NULL);
}

void
tw_service_page_set_session (TwServicePage *self,
                             TwSession     *session)
{
  g_return_if_fail (TW_IS_SERVICE_PAGE (self));
  g_return_if_fail (session == NULL || TW_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  rebind (self);
}

void
tw_service_page_set_service_id (TwServicePage *self,
                                const char    *service_id)
{
  g_return_if_fail (TW_IS_SERVICE_PAGE (self));

  if (g_strcmp0 (self->service_id, service_id) == 0)
    return;
  g_free (self->service_id);
  self->service_id = g_strdup (service_id);
  rebind (self);
}

const char *
tw_service_page_get_service_id (TwServicePage *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), NULL);
  return self->service_id;
}

/* ---- for tests ---- */

gboolean
tw_service_page_shows_section (TwServicePage *self,
                               guint          section)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), FALSE);
  g_return_val_if_fail (section < N_GROUPS, FALSE);
  return self->groups[section] != NULL && gtk_widget_get_visible (self->groups[section]);
}

static GtkWidget *
row_at (TwServicePage *self,
        guint          section,
        guint          i)
{
  GtkListBoxRow *row;

  if (section >= N_GROUPS || self->lists[section] == NULL)
    return NULL;
  row = gtk_list_box_get_row_at_index (self->lists[section], i);
  return row != NULL ? GTK_WIDGET (row) : NULL;
}

guint
tw_service_page_get_n_rows (TwServicePage *self,
                            guint          section)
{
  guint n = 0;

  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), 0);
  tw_ui_flush_update (GTK_WIDGET (self));
  while (row_at (self, section, n) != NULL)
    n++;
  return n;
}

const char *
tw_service_page_get_row_title (TwServicePage *self,
                               guint          section,
                               guint          i)
{
  GtkWidget *row = row_at (self, section, i);

  return row != NULL && ADW_IS_PREFERENCES_ROW (row) ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))
                                                     : NULL;
}

gboolean
tw_service_page_row_is_flagged (TwServicePage *self,
                                guint          section,
                                guint          i)
{
  GtkWidget *row = row_at (self, section, i);

  return row != NULL && (gtk_widget_has_css_class (row, "warning") || gtk_widget_has_css_class (row, "error"));
}

const char *
tw_service_page_get_error (TwServicePage *self,
                           guint          section)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));
  if (section >= N_GROUPS || self->errors[section] == NULL ||
      !gtk_widget_get_visible (GTK_WIDGET (self->errors[section])))
    return NULL;
  return gtk_label_get_label (self->errors[section]);
}

guint
tw_service_page_get_n_figures (TwServicePage *self)
{
  guint n = 0;

  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), 0);
  tw_ui_flush_update (GTK_WIDGET (self));
  if (self->figures_box == NULL)
    return 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->figures_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

void
tw_service_page_set_search (TwServicePage *self,
                            guint          section,
                            const char    *text)
{
  g_return_if_fail (TW_IS_SERVICE_PAGE (self));
  g_return_if_fail (section < N_GROUPS && self->searches[section] != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->searches[section]), text);
  /* search-changed comes after a delay; a test wants the list filtered now */
  g_signal_emit_by_name (self->searches[section], "search-changed");
}

TwSparkline *
tw_service_page_get_sparkline (TwServicePage *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), NULL);
  return self->sparkline;
}

GtkWidget *
tw_service_page_get_back_button (TwServicePage *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), NULL);
  return self->back_button;
}

const char *
tw_service_page_get_clock_text (TwServicePage *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));
  return self->clock_row != NULL ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->clock_row)) : NULL;
}

void
tw_service_page_scroll_to (TwServicePage *self,
                           guint          section)
{
  GtkWidget *scrolled;
  graphene_point_t point;

  g_return_if_fail (TW_IS_SERVICE_PAGE (self));
  g_return_if_fail (section < N_GROUPS);

  if (self->groups[section] == NULL)
    return;
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->sections_box), GTK_TYPE_SCROLLED_WINDOW);
  if (scrolled == NULL ||
      !gtk_widget_compute_point (self->groups[section], GTK_WIDGET (self->sections_box),
                                 &GRAPHENE_POINT_INIT (0, 0), &point))
    return;
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), point.y);
}

void
tw_service_page_activate_row (TwServicePage *self,
                              guint          section,
                              guint          i)
{
  GtkWidget *row = row_at (self, section, i);

  g_return_if_fail (row != NULL);
  g_signal_emit_by_name (row, "activate");
}

/* (nullable) the subtitle of the order detail's row titled @title */
const char *
tw_service_page_get_order_field (TwServicePage *self,
                                 const char    *title)
{
  g_return_val_if_fail (TW_IS_SERVICE_PAGE (self), NULL);

  tw_ui_flush_update (GTK_WIDGET (self));
  if (self->order_list == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->order_list)))
    return NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->order_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
      return adw_action_row_get_subtitle (ADW_ACTION_ROW (child));
  return NULL;
}
