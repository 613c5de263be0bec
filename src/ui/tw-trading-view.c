/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-trading-cells.h"

#include "tw-ui-util.h"

/* The Positions and Orders tables' views: detached while off screen, the portfolio's
 * view held while shown, the data's age (the cells and the tables' fit: tw-trading-cells.c). */

/* ---- detached while off screen ---- */

typedef struct
{
  GtkAdjustment *adjustment;   /* the scroller's vertical one */
  double         value;        /* to scroll back to */
  guint          tick_id;
  guint          ticks;
  GtkWidget     *view;         /* unowned: the qdata's owner */
} SavedScroll;

static void
saved_scroll_free (gpointer data)
{
  SavedScroll *saved = data;

  if (saved->tick_id != 0)
    gtk_widget_remove_tick_callback (saved->view, saved->tick_id);
  g_clear_object (&saved->adjustment);
  g_free (saved);
}

static GQuark
saved_scroll_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("tw-trading-view-scroll");
  return quark;
}

/* The rows come back with the first layout after the model: from the next frame on, the
 * table scrolls back once its range reaches the value (a few frames at most). */
static gboolean
restore_scroll_tick (GtkWidget     *view,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  SavedScroll *saved = g_object_get_qdata (G_OBJECT (view), saved_scroll_quark ());
  GtkAdjustment *adjustment = saved->adjustment;

  if (++saved->ticks < 2)
    return G_SOURCE_CONTINUE;
  if (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) < saved->value
      && saved->ticks < 30)
    return G_SOURCE_CONTINUE;
  gtk_adjustment_set_value (adjustment, saved->value);
  saved->tick_id = 0;
  g_object_set_qdata (G_OBJECT (view), saved_scroll_quark (), NULL);
  return G_SOURCE_REMOVE;
}

void
tw_trading_view_detach (GtkColumnView *view)
{
  GtkWidget *scroller;
  SavedScroll *saved;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  if (gtk_column_view_get_model (view) == NULL)
    return;
  scroller = gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW);
  g_object_set_qdata (G_OBJECT (view), saved_scroll_quark (), NULL);
  if (scroller != NULL)
    {
      saved = g_new0 (SavedScroll, 1);
      saved->view = GTK_WIDGET (view);
      saved->adjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)));
      saved->value = gtk_adjustment_get_value (saved->adjustment);
      g_object_set_qdata_full (G_OBJECT (view), saved_scroll_quark (), saved, saved_scroll_free);
    }
  gtk_column_view_set_model (view, NULL);
}

void
tw_trading_view_attach (GtkColumnView     *view,
                        GtkSelectionModel *model)
{
  SavedScroll *saved;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));
  g_return_if_fail (GTK_IS_SELECTION_MODEL (model));

  if (gtk_column_view_get_model (view) == model)
    return;
  gtk_column_view_set_model (view, model);
  saved = g_object_get_qdata (G_OBJECT (view), saved_scroll_quark ());
  if (saved == NULL)
    return;
  if (saved->value <= 0)
    {
      g_object_set_qdata (G_OBJECT (view), saved_scroll_quark (), NULL);
      return;
    }
  saved->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (view), restore_scroll_tick, NULL, NULL);
}

void
tw_trading_hold_view (TwPortfolio **held,
                      TwPortfolio  *portfolio)
{
  g_return_if_fail (held != NULL);
  g_return_if_fail (portfolio == NULL || TW_IS_PORTFOLIO (portfolio));

  if (*held == portfolio)
    return;
  if (*held != NULL)
    tw_portfolio_release_view (*held);
  g_clear_object (held);
  if (portfolio != NULL)
    {
      *held = g_object_ref (portfolio);
      tw_portfolio_hold_view (portfolio);
    }
}

char *
tw_trading_describe_age (TwPortfolio *portfolio,
                         gboolean    *out_stale,
                         gboolean    *out_any)
{
  GListModel *services;
  gint64 oldest = -2;
  gboolean stale = FALSE, any = FALSE;

  g_return_val_if_fail (TW_IS_PORTFOLIO (portfolio), NULL);

  services = tw_profile_get_services (tw_workspace_get_profile (tw_portfolio_get_workspace (portfolio)));
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      const char *id = tw_service_get_id (service);
      gint64 age;

      if (!tw_portfolio_has_service (portfolio, id))
        continue;
      any = TRUE;
      age = tw_portfolio_get_age_seconds (portfolio, id);
      if (age < 0)
        oldest = -1;
      else if (oldest != -1)
        oldest = MAX (oldest, age);
      stale |= tw_portfolio_get_stale (portfolio, id);
    }
  if (out_stale != NULL)
    *out_stale = stale;
  if (out_any != NULL)
    *out_any = any;
  /* "stale — updated 4 min ago" says it in words, next to the warning icon. */
  return tw_ui_format_age (oldest == -2 ? -1 : oldest, stale);
}

void
tw_trading_show_age (GtkLabel    *label,
                     GtkWidget   *stale_image,
                     TwPortfolio *portfolio,
                     gboolean    *out_stale,
                     gboolean    *out_any)
{
  gboolean stale = FALSE;
  g_autofree char *text = NULL;

  g_return_if_fail (GTK_IS_LABEL (label));

  if (portfolio == NULL)
    {
      gtk_label_set_text (label, "");
      gtk_widget_set_visible (stale_image, FALSE);
      if (out_stale != NULL)
        *out_stale = FALSE;
      if (out_any != NULL)
        *out_any = FALSE;
      return;
    }
  text = tw_trading_describe_age (portfolio, &stale, out_any);
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (stale_image, stale);
  tw_ui_set_status_style (GTK_WIDGET (label), stale ? "warning" : NULL);
  if (stale)
    gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
  if (out_stale != NULL)
    *out_stale = stale;
}
