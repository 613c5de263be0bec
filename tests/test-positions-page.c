/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-account-card-private.h"
#include "tw-close-position-dialog.h"
#include "tw-close-position-dialog-private.h"
#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"
#include "tw-overview-page-private.h"
#include "tw-portfolio-private.h"
#include "tw-positions-page-private.h"
#include "tw-trading-format.h"
#include "tw-trading-test.h"

#define INTERVAL_MS 400

static TwApplication *app;
static gboolean grouping;

typedef struct
{
  guint n;
} PollCount;

static void
service_changed_cb (TwPortfolio *portfolio,
                    const char  *service_id,
                    PollCount   *count)
{
  if (g_str_equal (service_id, "alpaca"))
    count->n++;
}

static gboolean
page_is_stale (gpointer data)
{
  return tw_positions_page_get_stale (data);
}

static gboolean
polled_twice (gpointer data)
{
  return ((PollCount *) data)->n >= 2;
}

typedef struct
{
  GtkAdjustment *adjustment;
  double         value;
} ScrollWait;

static gboolean
scrolled_to (gpointer data)
{
  ScrollWait *wait = data;

  return gtk_adjustment_get_value (wait->adjustment) == wait->value;
}

typedef struct
{
  GtkWidget *window;
  int        width;
  int        height;
} SizeWait;

static gboolean
window_has_size (gpointer data)
{
  SizeWait *wait = data;

  /* The window's own size is the default size less its decorations' few pixels. */
  return ABS (gtk_widget_get_width (wait->window) - wait->width) <= 24
    && ABS (gtk_widget_get_height (wait->window) - wait->height) <= 24;
}

/* Resizes the window as the operator would, and waits for it to be laid out. */
static void
resize_window (AppFixture *f,
               int         width,
               int         height)
{
  SizeWait wait = { GTK_WIDGET (f->window), width, height };

  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  if (!tw_test_ui_wait_for (window_has_size, &wait, 10000))
    g_error ("The window is %d×%d, not about %d×%d", gtk_widget_get_width (wait.window),
             gtk_widget_get_height (wait.window), width, height);
  /* Two frames: the layout at the new size is drawn by the second at the latest. */
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
}

/* Each account card is shown whole in height (its row clips nothing), at least at its
 * minimum height, and the table below keeps more height than the cards when they are on
 * one line (stacked in a narrow window, at least its own minimum). Returns the row's
 * horizontal adjustment. */
static GtkAdjustment *
assert_cards_whole (TwPositionsPage *page,
                    gboolean         stacked)
{
  const char *services[] = { "investiq", "alpaca" };
  GtkWidget *row = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      GtkWidget *card = GTK_WIDGET (tw_positions_page_get_account_card (page, services[i]));
      GtkWidget *viewport;
      graphene_rect_t bounds;
      int min_height;

      g_assert_nonnull (card);
      viewport = gtk_widget_get_ancestor (card, GTK_TYPE_VIEWPORT);

      row = gtk_widget_get_ancestor (card, GTK_TYPE_SCROLLED_WINDOW);
      g_assert_nonnull (row);
      g_assert_nonnull (viewport);
      /* Against what the row shows of it: its viewport, without the scrollbar. */
      g_assert_true (gtk_widget_compute_bounds (card, viewport, &bounds));
      g_test_message ("%s card: %.0f×%.0f at %.0f,%.0f in a view of %d×%d (row %d×%d)", services[i],
                      bounds.size.width, bounds.size.height, bounds.origin.x, bounds.origin.y,
                      gtk_widget_get_width (viewport), gtk_widget_get_height (viewport),
                      gtk_widget_get_width (row), gtk_widget_get_height (row));
      g_assert_cmpfloat (bounds.origin.y, >=, 0);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (viewport));
      gtk_widget_measure (card, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (card),
                          &min_height, NULL, NULL, NULL);
      g_assert_cmpint (gtk_widget_get_height (card), >=, min_height);
    }
  if (stacked)
    g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (tw_positions_page_get_scroller (page))), >=,
                     gtk_scrolled_window_get_min_content_height (tw_positions_page_get_scroller (page)));
  else
    g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (tw_positions_page_get_scroller (page))), >,
                     gtk_widget_get_height (row));
  return gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (row));
}

static gboolean
both_cards (gpointer data)
{
  return tw_positions_page_get_account_card (data, "investiq") != NULL
    && tw_positions_page_get_account_card (data, "alpaca") != NULL;
}

/* The account cards above the table, whole at 1280×800 and in a narrow window, where
 * they go under each other: never a card or its Flatten… out of sight sideways. */
static void
test_layout (void)
{
  AppFixture f = { 0, };
  TwPositionsPage *page;
  TradingPositionWait wait;
  GtkAdjustment *hadj;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  page = TW_POSITIONS_PAGE (tw_window_get_page (f.window, "positions"));
  g_assert_true (tw_window_show_page (f.window, "positions"));
  wait = (TradingPositionWait) { tw_positions_page_get_portfolio (page), "alpaca", "TSLA" };
  g_assert_true (tw_test_ui_wait_for (trading_position_known, &wait, 10000));
  g_assert_true (tw_test_ui_wait_for (both_cards, page, 10000));

  resize_window (&f, 1280, 800);
  hadj = assert_cards_whole (page, FALSE);
  /* Wide enough for both cards side by side: nothing to scroll. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadj), <=, gtk_adjustment_get_page_size (hadj));
  app_save_png_light_dark (GTK_WIDGET (f.window), "positions-1280x800");

  resize_window (&f, 800, 800);
  g_assert_true (tw_window_show_page (f.window, "positions"));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  hadj = assert_cards_whole (page, TRUE);
  /* Too narrow for both side by side: one under the other, nothing to scroll sideways. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadj), <=, gtk_adjustment_get_page_size (hadj));
  {
    graphene_rect_t investiq, alpaca;

    g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (tw_positions_page_get_account_card (page, "investiq")),
                                              GTK_WIDGET (page), &investiq));
    g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (tw_positions_page_get_account_card (page, "alpaca")),
                                              GTK_WIDGET (page), &alpaca));
    g_assert_cmpfloat (ABS (investiq.origin.x - alpaca.origin.x), <, 1);
    g_assert_cmpfloat (ABS (investiq.origin.y - alpaca.origin.y), >=, investiq.size.height);
  }
  app_save_png_light_dark (GTK_WIDGET (f.window), "positions-narrow");

  resize_window (&f, 1100, 550);
  app_fixture_close (&f);
}

/* Each path opens the demo profile on a simulator of its own, the Positions page shown
 * with every service's figures in: a failure in one does not hide the others. */
typedef struct
{
  AppFixture       f;
  TwPositionsPage *page;
  TwPortfolio     *portfolio;
} PositionsFixture;

static void
positions_setup (PositionsFixture *pf,
                 gconstpointer     data)
{
  TradingPositionWait wait;

  app_fixture_open (&pf->f, app, TW_MODE_PAPER, INTERVAL_MS);
  pf->page = TW_POSITIONS_PAGE (tw_window_get_page (pf->f.window, "positions"));
  g_assert_nonnull (pf->page);
  g_assert_true (tw_window_show_page (pf->f.window, "positions"));
  pf->portfolio = tw_positions_page_get_portfolio (pf->page);
  g_assert_nonnull (pf->portfolio);
  wait = (TradingPositionWait) { pf->portfolio, "alpaca", "TSLA" };
  g_assert_true (tw_test_ui_wait_for (trading_position_known, &wait, 10000));
  g_assert_true (tw_test_ui_wait_for (trading_portfolio_loaded, &pf->f, 10000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (pf->f.window), 5000));
}

static void
positions_teardown (PositionsFixture *pf,
                    gconstpointer     data)
{
  app_fixture_close (&pf->f);
}

static void
test_book (PositionsFixture *pf,
           gconstpointer     data)
{
  AppFixture f = pf->f;   /* read only: the fixture opens and closes it */
  TwPositionsPage *page = pf->page;
  TwPortfolio *portfolio = pf->portfolio;
  TwPosition *aapl;
  GtkSingleSelection *selection;
  GListModel *rows;
  g_autofree char *expected = NULL;
  guint n;

  /* The simulator's book, with formatted numbers, in the widgets on screen (filtered
   * to AAPL so its rows are on screen: rows off screen catch up when scrolled in). */
  tw_positions_page_set_search_text (page, "AAPL");
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  aapl = tw_portfolio_lookup_position (portfolio, "alpaca", "AAPL");
  g_assert_nonnull (aapl);
  g_assert_cmpstr (trading_cell_text (GTK_WIDGET (page), aapl, "symbol"), ==, "AAPL");
  g_assert_cmpstr (trading_cell_text (GTK_WIDGET (page), aapl, "qty"), ==, "50");
  /* The broker's "long" in the house style. */
  g_assert_cmpstr (trading_cell_text (GTK_WIDGET (page), aapl, "side"), ==, "Long");
  expected = tw_trading_format_money (tw_position_get_market_value (aapl));
  g_assert_cmpstr (trading_cell_text (GTK_WIDGET (page), aapl, "market-value"), ==, expected);
  g_assert_true (g_regex_match_simple ("^[0-9,]+\\.[0-9]{2}$", expected, 0, 0));
  if (grouping)
    g_assert_nonnull (strchr (expected, ','));
  g_test_message ("AAPL market value shown as %s", expected);
  g_clear_pointer (&expected, g_free);
  expected = tw_trading_format_signed_money (tw_position_get_unrealized_pl (aapl));
  g_assert_true (expected[0] == '+' || g_str_has_prefix (expected, "\342\210\222") || g_str_equal (expected, "0.00"));
  g_assert_cmpstr (trading_cell_text (GTK_WIDGET (page), aapl, "pl"), ==, expected);
  tw_positions_page_set_search_text (page, "TSLA");
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  {
    TwPosition *tsla = tw_portfolio_lookup_position (portfolio, "alpaca", "TSLA");

    /* A short: negative quantity, "short". */
    g_assert_cmpstr (trading_cell_text (GTK_WIDGET (page), tsla, "qty"), ==, "\342\210\222" "15");
    g_assert_cmpstr (trading_cell_text (GTK_WIDGET (page), tsla, "side"), ==, "Short");
  }
  tw_positions_page_set_search_text (page, "");
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  g_assert_cmpstr (tw_positions_page_get_mode_text (page), ==, "PAPER");
  g_assert_nonnull (strstr (tw_positions_page_get_totals_text (page), "positions"));
  /* Not stale with every service answering (on a loaded machine a poll may come late
   * for a moment: the next answer clears it). */
  tw_test_wait_until (!tw_positions_page_get_stale (page), 5000);
  g_assert_nonnull (tw_positions_page_get_account_card (page, "alpaca"));
  g_assert_cmpstr (tw_account_card_get_mode_text (tw_positions_page_get_account_card (page, "alpaca")), ==, "PAPER");
  g_assert_nonnull (tw_account_card_get_day_pl_text (tw_positions_page_get_account_card (page, "alpaca")));

  selection = tw_positions_page_get_selection (page);
  rows = G_LIST_MODEL (selection);
  n = g_list_model_get_n_items (rows);
  g_assert_cmpuint (n, >=, 6);

  /* Sorting by unrealized P/L, high to low. */
  tw_positions_page_sort_by (page, "pl", GTK_SORT_DESCENDING);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(TwPosition) a = g_list_model_get_item (rows, i - 1);
      g_autoptr(TwPosition) b = g_list_model_get_item (rows, i);

      g_assert_cmpfloat (tw_position_get_unrealized_pl (a), >=, tw_position_get_unrealized_pl (b));
    }
  /* Filtering by symbol. */
  tw_positions_page_set_search_text (page, "ms");
  g_assert_cmpuint (g_list_model_get_n_items (rows), >=, 1);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwPosition) p = g_list_model_get_item (rows, i);

      g_assert_nonnull (strstr (tw_position_get_symbol (p), "MS"));
    }
  g_assert_nonnull (strstr (tw_positions_page_get_totals_text (page), "(filtered)"));
  tw_positions_page_set_search_text (page, "");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n);

  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (f.window)), >=, 1);
  app_save_png_light_dark (GTK_WIDGET (f.window), "positions");
}

static gboolean
shows_current_price (TwPositionsPage *page,
                     TwPosition      *position)
{
  g_autofree char *price = tw_trading_format_money (tw_position_get_current_price (position));

  return g_strcmp0 (trading_cell_text (GTK_WIDGET (page), position, "price"), price) == 0;
}

static void
test_poll_keeps_view (PositionsFixture *pf,
                      gconstpointer     data)
{
  AppFixture f = pf->f;   /* read only: the fixture opens and closes it */
  TwPositionsPage *page = pf->page;
  TwPortfolio *portfolio = pf->portfolio;
  GtkSingleSelection *selection = tw_positions_page_get_selection (page);
  GListModel *rows = G_LIST_MODEL (selection);
  GtkAdjustment *vadj;

  /* A poll keeps the selection and the scroll. */
  tw_positions_page_sort_by (page, "symbol", GTK_SORT_ASCENDING);
  /* The rows of the sorted table drawn before one is selected (the view scrolls to it). */
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  {
    /* On a loaded machine a frame may come before the sorted rows are: wait for the
     * fourth row's cell itself, or the view cannot scroll to it yet. */
    g_autoptr(TwPosition) fourth = g_list_model_get_item (rows, 3);

    tw_test_wait_until (g_strcmp0 (trading_cell_text (GTK_WIDGET (page), fourth, "symbol"),
                                   tw_position_get_symbol (fourth)) == 0, 5000);
  }
  gtk_single_selection_set_selected (selection, 3);
  {
    g_autoptr(GObject) before = g_object_ref (gtk_single_selection_get_selected_item (selection));
    PollCount count = { 0 };
    double scroll;

    /* A short window, so the table scrolls. */
    resize_window (&f, 1100, 560);
    vadj = gtk_scrolled_window_get_vadjustment (tw_positions_page_get_scroller (page));
    tw_test_wait_until (gtk_adjustment_get_upper (vadj) > gtk_adjustment_get_page_size (vadj), 5000);
    gtk_adjustment_set_value (vadj, gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj));
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
    scroll = gtk_adjustment_get_value (vadj);
    g_assert_cmpfloat (scroll, >, 0);
    g_signal_connect (portfolio, "service-changed", G_CALLBACK (service_changed_cb), &count);
    g_assert_true (tw_test_ui_wait_for (polled_twice, &count, 10000));
    g_signal_handlers_disconnect_by_func (portfolio, service_changed_cb, &count);
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
    g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 3);
    g_assert_true (gtk_single_selection_get_selected_item (selection) == (gpointer) before);
    g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, scroll);

    /* Another page shown: this one is hidden, its table follows no refresh, and the
     * portfolio polls at its background interval; shown again, it polls at the
     * interval, with the same selection and scroll. */
    g_assert_cmpuint (tw_portfolio_get_poll_interval (portfolio), ==, INTERVAL_MS);
    g_assert_true (tw_window_show_page (f.window, "overview"));
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (page)));
    g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
    g_assert_null (gtk_column_view_get_model (tw_positions_page_get_column_view (page)));
    g_assert_cmpuint (tw_portfolio_get_poll_interval (portfolio), ==, TW_PORTFOLIO_BACKGROUND_INTERVAL_MS);
    /* Hidden for two of the monitor's polls. */
    g_assert_true (app_wait_answers (&f, NULL, 2, 5000));
    g_assert_true (tw_window_show_page (f.window, "positions"));
    g_assert_cmpuint (tw_portfolio_get_poll_interval (portfolio), ==, INTERVAL_MS);
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
    g_assert_true (gtk_column_view_get_model (tw_positions_page_get_column_view (page))
                   == GTK_SELECTION_MODEL (selection));
    g_assert_true (gtk_single_selection_get_selected_item (selection) == (gpointer) before);
    {
      ScrollWait scroll_wait = { vadj, scroll };

      g_assert_true (tw_test_ui_wait_for (scrolled_to, &scroll_wait, 5000));
    }

    /* Rows that were off screen during the polls show current figures once scrolled in. */
    gtk_adjustment_set_value (vadj, 0);
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
    /* (Prices keep moving: the cell catches up with the model's price of the moment.) */
    for (guint i = 0; i < 2; i++)
      {
        g_autoptr(TwPosition) top = g_list_model_get_item (rows, i);

        tw_test_wait_until (shows_current_price (page, top), 5000);
      }
  }
}

static void
test_close (PositionsFixture *pf,
            gconstpointer     data)
{
  AppFixture f = pf->f;   /* read only: the fixture opens and closes it */
  TwPositionsPage *page = pf->page;
  TwPortfolio *portfolio = pf->portfolio;
  TwPosition *aapl = tw_portfolio_lookup_position (portfolio, "alpaca", "AAPL");
  g_autofree char *finished = NULL;
  g_autoptr(GPtrArray) deletes = NULL;
  GtkWidget *dialog;

  /* Close 50 % of AAPL: the close dialog, then the guard, then the request. */
  app_clear_requests (&f);
  g_signal_connect (page, "action-finished", G_CALLBACK (trading_finished_cb), &finished);
  gtk_widget_activate_action (GTK_WIDGET (page), "positions.close", "s", "alpaca:AAPL");
  dialog = tw_positions_page_get_close_dialog (page);
  g_assert_nonnull (dialog);
  tw_close_position_dialog_set_percentage (TW_CLOSE_POSITION_DIALOG (dialog), 50);
  g_assert_cmpint (tw_close_position_dialog_get_mode (TW_CLOSE_POSITION_DIALOG (dialog)), ==, TW_CLOSE_PERCENTAGE);
  g_assert_cmpfloat (tw_close_position_dialog_get_percentage (TW_CLOSE_POSITION_DIALOG (dialog)), ==, 50);
  g_assert_cmpstr (tw_close_position_dialog_get_summary (TW_CLOSE_POSITION_DIALOG (dialog)), ==, "Closes 50 % of 50 AAPL");
  /* The buttons say what they do with what. */
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "close"), ==,
                   "Close 50 % of AAPL…");
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "cancel"), ==,
                   "_Keep Position");
  app_save_png_light_dark (dialog, "close-dialog");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_assert_true (tw_test_ui_wait_for (trading_has_guard_dialog, page, 5000));
  dialog = tw_positions_page_get_guard_dialog (page);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  g_assert_false (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (dialog), "Reducing AAPL exposure before the earnings call");
  g_assert_true (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  /* In flight: the row's action does nothing more. */
  g_assert_true (tw_test_ui_wait_for (trading_position_busy, aapl, 5000));
  gtk_widget_activate_action (GTK_WIDGET (page), "positions.close", "s", "alpaca:AAPL");
  g_assert_null (tw_positions_page_get_close_dialog (page));
  g_assert_true (tw_test_ui_wait_for (trading_is_set, &finished, 10000));
  g_test_message ("%s", finished);
  g_assert_true (g_str_has_prefix (finished, "positions.close ok"));
  deletes = trading_requests (&f, "alpaca", "DELETE", "/v2/positions");
  g_assert_cmpuint (deletes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (deletes, 0), ==, "DELETE /v2/positions/AAPL?percentage=50");
  g_signal_handlers_disconnect_by_func (page, trading_finished_cb, &finished);
}

static void
test_close_refused (PositionsFixture *pf,
                    gconstpointer     data)
{
  AppFixture f = pf->f;   /* read only: the fixture opens and closes it */
  TwPositionsPage *page = pf->page;
  TwPortfolio *portfolio = pf->portfolio;
  GtkSingleSelection *selection = tw_positions_page_get_selection (page);
  GListModel *rows = G_LIST_MODEL (selection);
  g_autofree char *finished = NULL;
  GtkWidget *dialog;

  /* The guard refused: nothing is sent. */
  app_clear_requests (&f);
  g_signal_connect (page, "action-finished", G_CALLBACK (trading_finished_cb), &finished);
  /* This time through "Close Selected…" above the table, with MSFT selected. */
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwPosition) p = g_list_model_get_item (rows, i);

      if (g_str_equal (tw_position_get_key (p), "alpaca:MSFT"))
        gtk_single_selection_set_selected (selection, i);
    }
  {
    GtkWidget *button = trading_find_button (GTK_WIDGET (page), "_Close Selected…");

    g_assert_nonnull (button);
    g_assert_true (gtk_widget_get_sensitive (button));
    g_signal_emit_by_name (button, "clicked");
  }
  dialog = tw_positions_page_get_close_dialog (page);
  g_assert_true (tw_close_position_dialog_get_position (TW_CLOSE_POSITION_DIALOG (dialog))
                 == tw_portfolio_lookup_position (portfolio, "alpaca", "MSFT"));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_assert_true (tw_test_ui_wait_for (trading_has_guard_dialog, page, 5000));
  dialog = tw_positions_page_get_guard_dialog (page);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* Two answers of Alpaca's next polls: a close sent on the response would have gone out
   * before them. */
  g_assert_true (app_wait_answers (&f, "alpaca", 2, 5000));
  g_assert_cmpuint (app_changing_requests (&f, NULL), ==, 0);
  g_assert_null (finished);
  g_assert_nonnull (strstr (tw_positions_page_get_last_result (page), "nothing was sent"));
  g_signal_handlers_disconnect_by_func (page, trading_finished_cb, &finished);
}

static void
test_stale (PositionsFixture *pf,
            gconstpointer     data)
{
  AppFixture f = pf->f;   /* read only: the fixture opens and closes it */
  TwPositionsPage *page = pf->page;

  /* Alpaca stops answering: after three intervals its figures are marked stale, in words. */
  tw_test_sim_fault (f.sim, "alpaca", "{\"kind\":\"status\",\"status\":503}");
  g_assert_true (tw_test_ui_wait_for (page_is_stale, page, 15000));
  g_test_message ("%s", tw_positions_page_get_age_text (page));
  g_assert_true (g_str_has_prefix (tw_positions_page_get_age_text (page), "stale"));
  g_assert_nonnull (strstr (tw_account_card_get_problem_text (tw_positions_page_get_account_card (page, "alpaca")),
                            "Stale"));
  g_free (app_save_png (GTK_WIDGET (f.window), "positions-stale-light.png"));
  tw_test_sim_clear_faults (f.sim);
}

typedef struct
{
  TwAccountCard *card;
  const char    *text;
} TradingCardText;

static gboolean
trading_card_text_is (gpointer data)
{
  TradingCardText *wait = data;

  return g_strcmp0 (tw_account_card_get_blocked_text (wait->card), wait->text) == 0;
}

static gboolean
card_blocked (gpointer data)
{
  return tw_account_card_get_blocked_text (data) != NULL;
}

static gboolean
card_unblocked (gpointer data)
{
  return tw_account_card_get_blocked_text (data) == NULL;
}

/* Alpaca reports the account blocked: the card says so loudly, in words, above the figures;
 * the block lifted, the banner goes. */
static void
test_account_blocks (void)
{
  AppFixture f = { 0, };
  TwPositionsPage *page;
  TwAccountCard *card;
  TradingPositionWait wait;
  const char *text;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  page = TW_POSITIONS_PAGE (tw_window_get_page (f.window, "positions"));
  g_assert_true (tw_window_show_page (f.window, "positions"));
  wait = (TradingPositionWait) { tw_positions_page_get_portfolio (page), "alpaca", "TSLA" };
  g_assert_true (tw_test_ui_wait_for (trading_position_known, &wait, 10000));
  /* The account comes in its own request: its card may follow the positions. */
  g_assert_true (tw_test_ui_wait_for (both_cards, page, 10000));
  card = tw_positions_page_get_account_card (page, "alpaca");
  g_assert_nonnull (card);
  g_assert_null (tw_account_card_get_blocked_text (card));

  app_scenario (&f, "{\"name\": \"account-blocks\", \"trading_blocked\": true, "
                "\"account_blocked\": true, \"trade_suspended_by_user\": true}");
  g_assert_true (tw_test_ui_wait_for (card_blocked, card, 10000));
  text = tw_account_card_get_blocked_text (card);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Blocked by the broker: "));
  g_assert_nonnull (strstr (text, "trading blocked"));
  g_assert_nonnull (strstr (text, "account blocked"));
  g_assert_nonnull (strstr (text, "trading suspended by user"));
  /* The tallest cards (the banner of three blocks) are still whole at 1280×800. */
  resize_window (&f, 1280, 800);
  assert_cards_whole (page, FALSE);
  app_save_png_light_dark (GTK_WIDGET (f.window), "positions-account-blocked");

  /* One block only: the others are gone from the text. */
  app_scenario (&f, "{\"name\": \"account-blocks\", \"account_blocked\": false, "
                "\"trade_suspended_by_user\": false}");
  g_assert_true (tw_test_ui_wait_for (trading_card_text_is, &(TradingCardText) { card, "Blocked by the broker: trading blocked" }, 10000));

  app_scenario (&f, "{\"name\": \"account-blocks\", \"trading_blocked\": false}");
  g_assert_true (tw_test_ui_wait_for (card_unblocked, card, 10000));
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 550);

  app_fixture_close (&f);
}

static gboolean
page_shares_account (gpointer data)
{
  return tw_positions_page_get_shared_text (data) != NULL;
}

/* The demo's InvestIQ trades through the firm's Alpaca account, which the Alpaca service
 * reaches too: each position is listed under both, counted once in the totals, and the
 * page says which services see them. The totals had counted every position twice. */
static double
alpaca_book_value (TwPortfolio *portfolio)
{
  GListModel *positions = tw_portfolio_get_positions (portfolio);
  double value = 0;

  for (guint i = 0; i < g_list_model_get_n_items (positions); i++)
    {
      g_autoptr(TwPosition) position = g_list_model_get_item (positions, i);

      if (g_str_equal (tw_position_get_service_id (position), "alpaca"))
        value += tw_position_get_market_value (position);
    }
  return value;
}

static gboolean
totals_match_rows (gpointer data)
{
  PositionsFixture *pf = data;
  g_autofree char *value = tw_trading_format_money (alpaca_book_value (pf->portfolio));
  const char *totals = tw_positions_page_get_totals_text (pf->page);

  return totals != NULL && strstr (totals, value) != NULL;
}

static void
test_shared_account (PositionsFixture *pf,
                     gconstpointer     data)
{
  AppFixture f = pf->f;
  TwPositionsPage *page = pf->page;
  GListModel *positions = tw_portfolio_get_positions (pf->portfolio);
  guint n_alpaca = 0, n_rows;
  double alpaca_value = 0;
  g_autofree char *value = NULL;
  g_autofree char *count = NULL;
  const char *totals;

  g_assert_true (tw_test_ui_wait_for (both_cards, page, 10000));
  g_assert_true (tw_test_ui_wait_for (page_shares_account, page, 10000));
  /* Prices still, and the page refreshed after they stopped: the totals are compared with
   * the rows (a sanitizer build saw a step between the two). */
  {
    guint status = 0;
    g_autoptr(JsonNode) node = tw_test_sim_request_full (f.sim, "alpaca", "POST", "/_sim/config",
                                                         "{\"price_walk\":false}", &status);

    g_assert_cmpuint (status, ==, 200);
    tw_portfolio_refresh (pf->portfolio, NULL);
    g_assert_true (tw_test_ui_wait_for (totals_match_rows, pf, 10000));
  }
  n_rows = g_list_model_get_n_items (positions);
  g_test_message ("%s", tw_positions_page_get_shared_text (page));
  g_assert_cmpstr (tw_positions_page_get_shared_text (page), ==,
                   "InvestIQ, Alpaca (paper) reach one broker account: its positions are listed under "
                   "each service and counted once in the totals");
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(TwPosition) position = g_list_model_get_item (positions, i);

      if (g_str_equal (tw_position_get_service_id (position), "alpaca"))
        {
          n_alpaca++;
          alpaca_value += tw_position_get_market_value (position);
        }
    }
  /* Both services list the book: twice the rows, once in the totals. */
  g_assert_cmpuint (n_rows, ==, 2 * n_alpaca);
  totals = tw_positions_page_get_totals_text (page);
  g_test_message ("%u rows: %s", n_rows, totals);
  count = g_strdup_printf ("%u positions · ", n_alpaca);
  g_assert_true (g_str_has_prefix (totals, count));
  value = tw_trading_format_money (alpaca_value);
  g_assert_nonnull (strstr (totals, value));
  resize_window (&f, 1280, 800);
  app_save_png_light_dark (GTK_WIDGET (f.window), "positions-shared-account");
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 550);
}

/* Where @widget is in the window. */
static graphene_rect_t
bounds_in_window (GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (gtk_widget_get_root (widget)), &bounds));
  return bounds;
}

static void
assert_same_place (GtkWidget             *widget,
                   const graphene_rect_t *before)
{
  graphene_rect_t after = bounds_in_window (widget);

  g_test_message ("%s: %.0f,%.0f %.0f×%.0f, was %.0f,%.0f %.0f×%.0f", G_OBJECT_TYPE_NAME (widget),
                  after.origin.x, after.origin.y, after.size.width, after.size.height,
                  before->origin.x, before->origin.y, before->size.width, before->size.height);
  g_assert_true (graphene_rect_equal (&after, before));
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  return trading_find_widget (root, type);
}

/* A banner comes on a card (the account blocked) and goes: the table, its filter and its
 * Close Selected button stay where the operator's pointer may be. The banner had pushed
 * them down by its height. */
static void
test_banner_keeps_table (void)
{
  AppFixture f = { 0, };
  TwPositionsPage *page;
  TwAccountCard *card;
  TradingPositionWait wait;
  GtkWidget *scroller, *entry, *button;
  graphene_rect_t scroller_before, entry_before, button_before;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  page = TW_POSITIONS_PAGE (tw_window_get_page (f.window, "positions"));
  g_assert_true (tw_window_show_page (f.window, "positions"));
  wait = (TradingPositionWait) { tw_positions_page_get_portfolio (page), "alpaca", "TSLA" };
  g_assert_true (tw_test_ui_wait_for (trading_position_known, &wait, 10000));
  g_assert_true (tw_test_ui_wait_for (both_cards, page, 10000));
  resize_window (&f, 1280, 800);
  card = tw_positions_page_get_account_card (page, "alpaca");
  g_assert_null (tw_account_card_get_blocked_text (card));
  g_assert_null (tw_account_card_get_problem_text (card));

  scroller = GTK_WIDGET (tw_positions_page_get_scroller (page));
  entry = find_by_type (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY);
  button = gtk_widget_get_prev_sibling (entry);
  g_assert_true (GTK_IS_BUTTON (button));
  scroller_before = bounds_in_window (scroller);
  entry_before = bounds_in_window (entry);
  button_before = bounds_in_window (button);
  app_save_png_light_dark (GTK_WIDGET (f.window), "positions-banner-before");

  app_scenario (&f, "{\"name\": \"account-blocks\", \"trading_blocked\": true, "
                "\"account_blocked\": true, \"trade_suspended_by_user\": true}");
  g_assert_true (tw_test_ui_wait_for (card_blocked, card, 10000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  assert_same_place (scroller, &scroller_before);
  assert_same_place (entry, &entry_before);
  assert_same_place (button, &button_before);
  app_save_png_light_dark (GTK_WIDGET (f.window), "positions-banner-after");

  app_scenario (&f, "{\"name\": \"account-blocks\", \"trading_blocked\": false, "
                "\"account_blocked\": false, \"trade_suspended_by_user\": false}");
  g_assert_true (tw_test_ui_wait_for (card_unblocked, card, 10000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  assert_same_place (scroller, &scroller_before);
  assert_same_place (button, &button_before);

  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 550);
  app_fixture_close (&f);
}

static gboolean
card_has_mode_warning (gpointer data)
{
  return tw_account_card_get_mode_warning_text (data) != NULL;
}

static gboolean
overview_has_mode_warning (gpointer data)
{
  return tw_overview_page_get_mode_warning (data) != NULL;
}

/* A LIVE profile whose InvestIQ reports a paper broker account: the card says so, and the
 * Alpaca card (whose base URL says nothing of its mode) does not. */
static void
test_mode_mismatch (void)
{
  AppFixture f = { 0, };
  TwPositionsPage *page;
  TwAccountCard *card;
  TwOverviewPage *overview;
  const char *text;

  app_fixture_open (&f, app, TW_MODE_LIVE, INTERVAL_MS);
  page = TW_POSITIONS_PAGE (tw_window_get_page (f.window, "positions"));
  g_assert_true (tw_window_show_page (f.window, "positions"));
  g_assert_true (tw_test_ui_wait_for (both_cards, page, 10000));
  resize_window (&f, 1280, 800);
  card = tw_positions_page_get_account_card (page, "investiq");
  g_assert_true (tw_test_ui_wait_for (card_has_mode_warning, card, 10000));
  text = tw_account_card_get_mode_warning_text (card);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "PAPER account in a LIVE profile"));
  g_assert_cmpstr (tw_account_card_get_mode_text (card), ==, "PAPER");
  g_assert_null (tw_account_card_get_mode_warning_text (tw_positions_page_get_account_card (page, "alpaca")));
  app_save_png_light_dark (GTK_WIDGET (f.window), "positions-mode-mismatch");

  /* The Overview says it too, with the service's name. */
  overview = TW_OVERVIEW_PAGE (trading_find_widget (GTK_WIDGET (f.window), TW_TYPE_OVERVIEW_PAGE));
  g_assert_true (tw_window_show_page (f.window, "overview"));
  g_assert_true (tw_test_ui_wait_for (overview_has_mode_warning, overview, 10000));
  g_test_message ("%s", tw_overview_page_get_mode_warning (overview));
  g_assert_cmpstr (tw_overview_page_get_mode_warning (overview), ==,
                   "InvestIQ reaches a PAPER account in this LIVE profile: its orders are not real");
  app_save_png_light_dark (GTK_WIDGET (f.window), "overview-mode-mismatch");

  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 550);
  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  grouping = trading_use_grouping_locale ();
  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/positions-page/account-blocks", test_account_blocks);
  g_test_add ("/tw/ui/positions-page/book", PositionsFixture, NULL, positions_setup, test_book,
              positions_teardown);
  g_test_add ("/tw/ui/positions-page/poll-keeps-view", PositionsFixture, NULL, positions_setup,
              test_poll_keeps_view, positions_teardown);
  g_test_add ("/tw/ui/positions-page/close", PositionsFixture, NULL, positions_setup, test_close,
              positions_teardown);
  g_test_add ("/tw/ui/positions-page/close-refused", PositionsFixture, NULL, positions_setup,
              test_close_refused, positions_teardown);
  g_test_add ("/tw/ui/positions-page/stale", PositionsFixture, NULL, positions_setup, test_stale,
              positions_teardown);
  g_test_add_func ("/tw/ui/positions-page/layout", test_layout);
  g_test_add ("/tw/ui/positions-page/shared-account", PositionsFixture, NULL, positions_setup,
              test_shared_account, positions_teardown);
  g_test_add_func ("/tw/ui/positions-page/banner-keeps-table", test_banner_keeps_table);
  g_test_add_func ("/tw/ui/positions-page/mode-mismatch", test_mode_mismatch);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
