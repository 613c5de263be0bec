/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-market-clock.h"
#include "tw-ui-util.h"

struct _TwMarketClock
{
  GtkWidget         parent_instance;

  GtkWidget        *label;
  TwServiceDetails *details;
};

G_DEFINE_FINAL_TYPE (TwMarketClock, tw_market_clock, GTK_TYPE_WIDGET)

static char *
format_iso_time (const char *text)
{
  g_autoptr(GDateTime) when = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return when != NULL ? tw_ui_format_time (when) : NULL;
}

static void
update (gpointer widget)
{
  TwMarketClock *self = widget;
  TwDetailItem *clock;
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;
  TwHealth health;

  if (self->details == NULL || !tw_service_details_is_loaded (self->details, TW_DETAIL_CLOCK))
    {
      gtk_widget_set_visible (self->label, FALSE);
      return;
    }
  clock = tw_service_details_get_clock (self->details);
  health = tw_detail_item_get_health (clock);
  if (tw_service_details_get_error (self->details, TW_DETAIL_CLOCK) != NULL)
    text = g_strdup (_("Market clock unknown"));
  else if (health == TW_HEALTH_OK)
    {
      when = format_iso_time (tw_detail_item_get_string (clock, "next-close"));
      /* Translators: the market clock, e.g. "Market open · closes 16:00:00" */
      text = when != NULL ? g_strdup_printf (_("Market open · closes %s"), when) : g_strdup (_("Market open"));
    }
  else if (health == TW_HEALTH_DOWN)
    {
      when = format_iso_time (tw_detail_item_get_string (clock, "next-open"));
      /* Translators: the market clock, e.g. "Market closed · opens 2026-02-12 09:30:00" */
      text = when != NULL ? g_strdup_printf (_("Market closed · opens %s"), when) : g_strdup (_("Market closed"));
    }
  else
    text = g_strdup (_("Market clock unknown"));
  gtk_label_set_label (GTK_LABEL (self->label), text);
  gtk_widget_set_tooltip_text (self->label, text);   /* whole when ellipsized */
  tw_ui_set_status_style (self->label, health == TW_HEALTH_OK ? "success" : NULL);
  gtk_widget_set_visible (self->label, TRUE);
}

static void
updated_cb (TwMarketClock *self,
            guint          section)
{
  if (section == TW_DETAIL_CLOCK)
    tw_ui_update_when_mapped (GTK_WIDGET (self), update);
}

static void
tw_market_clock_map (GtkWidget *widget)
{
  TwMarketClock *self = TW_MARKET_CLOCK (widget);

  GTK_WIDGET_CLASS (tw_market_clock_parent_class)->map (widget);
  update (self);
  if (self->details != NULL)
    tw_service_details_refresh (self->details);
}

static void
tw_market_clock_dispose (GObject *object)
{
  TwMarketClock *self = TW_MARKET_CLOCK (object);

  tw_market_clock_set_session (self, NULL);
  g_clear_pointer (&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (tw_market_clock_parent_class)->dispose (object);
}

static void
tw_market_clock_class_init (TwMarketClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_market_clock_dispose;
  widget_class->map = tw_market_clock_map;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tw_market_clock_init (TwMarketClock *self)
{
  self->label = gtk_label_new (NULL);
  gtk_widget_set_valign (self->label, GTK_ALIGN_CENTER);
  /* A narrow window shortens it rather than widening the page. */
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_widget_set_visible (self->label, FALSE);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
}

GtkWidget *
tw_market_clock_new (void)
{
  return g_object_new (TW_TYPE_MARKET_CLOCK, NULL);
}

void
tw_market_clock_set_session (TwMarketClock *self,
                             TwSession     *session)
{
  TwServiceDetails *details = NULL;

  g_return_if_fail (TW_IS_MARKET_CLOCK (self));

  if (session != NULL && !tw_session_is_closed (session))
    {
      GListModel *services = tw_workspace_get_services (tw_session_get_workspace (session));

      for (guint i = 0; i < g_list_model_get_n_items (services) && details == NULL; i++)
        {
          g_autoptr(TwService) service = g_list_model_get_item (services, i);
          TwServiceDetails *candidate = tw_session_get_service_details (session, tw_service_get_id (service));

          if (candidate != NULL && tw_service_details_has_section (candidate, TW_DETAIL_CLOCK))
            details = candidate;
        }
    }
  if (details == self->details)
    return;
  if (self->details != NULL)
    g_signal_handlers_disconnect_by_data (self->details, self);
  g_set_object (&self->details, details);
  if (details != NULL)
    g_signal_connect_swapped (details, "updated", G_CALLBACK (updated_cb), self);
  update (self);
  if (details != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    tw_service_details_refresh (details);
}

const char *
tw_market_clock_get_text (TwMarketClock *self)
{
  g_return_val_if_fail (TW_IS_MARKET_CLOCK (self), NULL);

  tw_ui_flush_update (GTK_WIDGET (self));
  if (!gtk_widget_get_visible (self->label))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (self->label));
}
