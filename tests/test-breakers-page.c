/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-breaker-row-private.h"
#include "tw-breakers-page-private.h"
#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"
#include "tw-overview-page-private.h"
#include "tw-trading-state-group-private.h"
#include "tw-trading-summary.h"
#include "tw-trading-test.h"

#define INTERVAL_MS 400

static TwApplication *app;
static const char * const halting[] = { "investiq", "ibkr-assistant", "ai-trading", "alpaca" };

static gboolean
is_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static void
halt_finished_cb (TwApplication  *application,
                  GPtrArray      *results,
                  GPtrArray     **out)
{
  g_clear_pointer (out, g_ptr_array_unref);
  *out = g_ptr_array_ref (results);
}

/* The halting toast names the fast services' results, Alpaca still awaited. */
static gboolean
progress_shows_fast_ones (gpointer user_data)
{
  const char *text = tw_application_get_halt_progress (app);

  return text != NULL && tw_session_is_halting (tw_application_get_session (app))
         && strstr (text, "InvestIQ halted") != NULL
         && strstr (text, "IBKR assistant NOT HALTED") != NULL
         && strstr (text, "Autotrader cannot be halted here") != NULL;
}

static GPtrArray *
halt_all (void)
{
  GPtrArray *results = NULL;

  g_signal_connect (app, "halt-finished", G_CALLBACK (halt_finished_cb), &results);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "halt"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "halt", NULL);
  /* One at a time: no double submit while it runs. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "halt"));
  g_assert_true (tw_test_ui_wait_for (is_set, &results, 10000));
  g_signal_handlers_disconnect_by_func (app, halt_finished_cb, &results);
  return results;
}

typedef struct
{
  TwBreakersPage *page;
  const char     *service_id;
  const char     *breaker_id;
  const char     *state_text;
} RowWait;

static gboolean
row_state_is (gpointer user_data)
{
  RowWait *wait = user_data;
  TwTradingStateGroup *group = tw_breakers_page_get_group (wait->page, wait->service_id);
  TwBreakerRow *row = group != NULL ? tw_trading_state_group_get_breaker_row (group, wait->breaker_id) : NULL;

  if (row == NULL)
    return FALSE;
  tw_risk_monitor_refresh (tw_application_get_risk_monitor (app));
  return g_strcmp0 (tw_breaker_row_get_state_text (row), wait->state_text) == 0;
}

/* Reads the clipboard once; TRUE when the text arrived. */
typedef struct
{
  GdkClipboard *clipboard;
  char         *text;
  gboolean      pending;
} CopyWait;

static void
clipboard_text_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CopyWait *wait = user_data;

  wait->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  wait->pending = FALSE;
}

static gboolean
clipboard_read (gpointer user_data)
{
  CopyWait *wait = user_data;

  if (wait->text != NULL)
    return TRUE;
  if (!wait->pending)
    {
      wait->pending = TRUE;
      gdk_clipboard_read_text_async (wait->clipboard, NULL, clipboard_text_cb, wait);
    }
  return FALSE;
}

static void
action_finished_cb (TwBreakersPage *page,
                    const char     *service_id,
                    const char     *operation,
                    gboolean        ok,
                    const char     *message,
                    char          **out)
{
  g_free (*out);
  *out = g_strdup_printf ("%s %s %s %s", service_id, operation, ok ? "ok" : "failed", message);
}

typedef struct
{
  TwBreakersPage *page;
  const char     *text;   /* NULL: no block shown */
} BlockedWait;

static gboolean
blocked_text_is (gpointer user_data)
{
  BlockedWait *wait = user_data;
  TwTradingStateGroup *group = tw_breakers_page_get_group (wait->page, "alpaca");

  if (group == NULL)
    return FALSE;
  tw_risk_monitor_refresh (tw_application_get_risk_monitor (app));
  return g_strcmp0 (tw_trading_state_group_get_blocked_text (group), wait->text) == 0;
}

/* Saves the window at each scrolled position of the page, light and dark, until the
 * bottom is shown; returns the number of positions. */
static guint
save_scrolled_shots (TwWindow       *window,
                     TwBreakersPage *page,
                     const char     *name)
{
  GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (trading_find_widget (GTK_WIDGET (page),
                                                                          GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adjustment;
  double value = 0;
  guint n = 0;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (window), 5000));
  for (;;)
    {
      double upper = gtk_adjustment_get_upper (adjustment);
      double page_size = gtk_adjustment_get_page_size (adjustment);
      g_autofree char *shot = n == 0 ? g_strdup (name) : g_strdup_printf ("%s-%u", name, n + 1);

      g_assert_cmpfloat (page_size, >, 100);
      gtk_adjustment_set_value (adjustment, value);
      app_save_png_light_dark (GTK_WIDGET (window), shot);
      n++;
      g_test_message ("%s: rows %.0f–%.0f of %.0f", shot, value, value + page_size, upper);
      if (value + page_size >= upper - 1)
        break;
      /* A little overlap, so no row is cut in two without being whole in a shot. */
      value = MIN (value + page_size - 80, upper - page_size);
      g_assert_cmpuint (n, <, 10);
    }
  gtk_adjustment_set_value (adjustment, 0);
  return n;
}

/* Each path opens the demo profile on a simulator of its own: a failure in one does not
 * hide the others. */
typedef struct
{
  AppFixture      f;
  TwBreakersPage *page;
} BreakersFixture;

static void
breakers_setup (BreakersFixture *bf,
                gconstpointer    data)
{
  app_fixture_open (&bf->f, app, TW_MODE_PAPER, INTERVAL_MS);
  bf->page = tw_application_get_breakers_page (app);
  g_assert_nonnull (bf->page);
  g_assert_true (tw_window_show_page (bf->f.window, "breakers"));
  g_assert_true (app_wait_states_known (&bf->f, 10000));
}

static void
breakers_teardown (BreakersFixture *bf,
                   gconstpointer    data)
{
  app_fixture_close (&bf->f);
}

/* A losing streak: InvestIQ's breaker trips and halts it. */
static TwTradingStateGroup *
trip_investiq (BreakersFixture *bf)
{
  RowWait wait = { bf->page, "investiq", "consecutive_losses", "Tripped" };

  app_scenario (&bf->f, "{\"name\":\"losing-streak\"}");
  g_assert_true (app_wait_halted (&bf->f, "investiq", TRUE, 10000));
  g_assert_true (tw_test_ui_wait_for (row_state_is, &wait, 5000));
  return tw_breakers_page_get_group (bf->page, "investiq");
}

static void
test_header (BreakersFixture *bf,
             gconstpointer    data)
{
  AppFixture f = bf->f;   /* read only: the fixture opens and closes it */
  TwBreakersPage *page = bf->page;
  TwTradingStateGroup *investiq;
  TwTradingStateGroup *ibkr;
  TwBreakerRow *row;

  /* Halt All is in the header bar on every page, with its words. */
  g_assert_true (gtk_widget_get_visible (tw_window_get_halt_button (f.window)));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (tw_window_get_halt_button (f.window))),
                   ==, "app.halt");
  g_assert_true (gtk_widget_has_css_class (tw_window_get_halt_button (f.window), "destructive-action"));
  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.halt");

    g_assert_cmpstr (accels[0], ==, "<Shift><Control>h");
  }

  /* One group per service that can trade; InvestIQ's breakers as numbers in words. */
  g_assert_cmpuint (tw_breakers_page_get_n_groups (page), >=, 5);
  investiq = tw_breakers_page_get_group (page, "investiq");
  g_assert_nonnull (investiq);
  g_assert_cmpstr (tw_trading_state_group_get_mode_text (investiq), ==, "ACTIVE");
  g_assert_true (tw_trading_state_group_get_halt_visible (investiq));
  row = tw_trading_state_group_get_breaker_row (investiq, "consecutive_losses");
  g_assert_nonnull (row);
  g_assert_cmpstr (tw_breaker_row_get_value_text (row), ==, "0 of 3");
  g_assert_cmpstr (tw_breaker_row_get_state_text (row), ==, "OK");
  ibkr = tw_breakers_page_get_group (page, "ibkr-assistant");
  g_assert_nonnull (ibkr);
  g_assert_cmpstr (tw_trading_state_group_get_kill_switch_text (ibkr), ==, "Kill switch: off");
}

static void
test_tripped (BreakersFixture *bf,
              gconstpointer    data)
{
  AppFixture f = bf->f;   /* read only: the fixture opens and closes it */
  TwBreakersPage *page = bf->page;
  TwTradingStateGroup *investiq = tw_breakers_page_get_group (page, "investiq");
  TwBreakerRow *row;
  RowWait wait;

  /* A losing streak trips the breaker and halts InvestIQ; a data source goes OPEN. */
  app_scenario (&f, "{\"name\":\"losing-streak\"}");
  app_scenario (&f, "{\"name\":\"source-outage\",\"source\":\"coingecko_api\",\"recovery_timeout\":600,"
                    "\"failure_threshold\":3}");
  app_scenario (&f, "{\"name\":\"account-blocks\",\"trading_blocked\":true}");
  g_assert_true (app_wait_halted (&f, "investiq", TRUE, 10000));
  wait = (RowWait) { page, "investiq", "consecutive_losses", "Tripped" };
  g_assert_true (tw_test_ui_wait_for (row_state_is, &wait, 5000));
  wait = (RowWait) { page, "autotrader", "coingecko_api", "OPEN" };
  g_assert_true (tw_test_ui_wait_for (row_state_is, &wait, 15000));
  g_assert_cmpstr (tw_trading_state_group_get_mode_text (investiq), ==, "HALTED");
  g_assert_nonnull (strstr (tw_trading_state_group_get_detail_text (investiq), "3 consecutive losses"));
  g_assert_nonnull (strstr (tw_trading_state_group_get_detail_text (investiq), "since "));
  row = tw_trading_state_group_get_breaker_row (investiq, "consecutive_losses");
  g_assert_cmpstr (tw_breaker_row_get_value_text (row), ==, "3 of 3");
  g_assert_cmpfloat (tw_breaker_row_get_level (row), ==, 1.0);
  g_assert_true (tw_trading_state_group_get_resume_visible (investiq));
  g_assert_false (tw_trading_state_group_get_halt_visible (investiq));
  /* The Autotrader source with its failure count, in words; reset by hand as 004 does it:
   * no Reset…, the runbook's call to copy, with the breaker's name in it. */
  row = tw_trading_state_group_get_breaker_row (tw_breakers_page_get_group (page, "autotrader"), "coingecko_api");
  g_assert_cmpstr (tw_breaker_row_get_value_text (row), ==, "OPEN, 3 failures");
  g_assert_false (tw_breaker_row_get_can_reset (row));
  g_assert_true (tw_breaker_row_get_can_copy_reset (row));
  tw_breaker_row_copy_reset (row);
  {
    CopyWait copied = { gtk_widget_get_clipboard (GTK_WIDGET (row)), NULL, FALSE };

    g_assert_true (tw_test_ui_wait_for (clipboard_read, &copied, 5000));
    g_assert_cmpstr (copied.text, ==, "from src.services.reliability import CIRCUIT_REGISTRY\n"
                                      "CIRCUIT_REGISTRY.get_monitor(\"coingecko_api\").reset()");
    g_free (copied.text);
  }
  g_assert_nonnull (strstr (tw_breakers_page_get_last_result (page), "reset command for coingecko_api copied"));

  /* Alpaca's own block: loud, on its own row. */
  {
    BlockedWait blocked = { page, "TRADING BLOCKED by the broker" };
    TwTradingStateGroup *alpaca;

    g_assert_true (tw_test_ui_wait_for (blocked_text_is, &blocked, 10000));
    alpaca = tw_breakers_page_get_group (page, "alpaca");
    g_assert_cmpstr (tw_trading_state_group_get_mode_text (alpaca), ==, "HALTED");
    /* Only the broker lifts its block: no Resume…, and our own Halt can still be set. */
    g_assert_false (tw_trading_state_group_get_resume_visible (alpaca));
    g_assert_true (tw_trading_state_group_get_halt_visible (alpaca));
  }

  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (f.window)), >=, 3);
  /* Every group in the pictures: the screen is 800 px tall, so one shot per scrolled
   * position, top to bottom (breakers, breakers-2, …). */
  g_assert_cmpuint (save_scrolled_shots (f.window, page, "breakers"), >=, 2);

  /* The copied reset run on the Autotrader's host: the breaker closes, the page shows it. */
  app_scenario (&f, "{\"name\":\"source-recover\",\"source\":\"coingecko_api\"}");
  app_scenario (&f, "{\"name\":\"source-reset\",\"source\":\"coingecko_api\"}");
  wait = (RowWait) { page, "autotrader", "coingecko_api", "CLOSED" };
  g_assert_true (tw_test_ui_wait_for (row_state_is, &wait, 15000));
  g_assert_false (tw_breaker_row_get_can_copy_reset (tw_trading_state_group_get_breaker_row (
                    tw_breakers_page_get_group (page, "autotrader"), "coingecko_api")));

  /* The account blocked too: the stronger words win. */
  {
    BlockedWait blocked = { page, "ACCOUNT BLOCKED by the broker" };

    app_scenario (&f, "{\"name\":\"account-blocks\",\"account_blocked\":true}");
    g_assert_true (tw_test_ui_wait_for (blocked_text_is, &blocked, 10000));
    app_scenario (&f, "{\"name\":\"account-blocks\",\"trading_blocked\":false,\"account_blocked\":false}");
    blocked.text = NULL;
    g_assert_true (tw_test_ui_wait_for (blocked_text_is, &blocked, 10000));
  }
}

static void
test_resume_guarded (BreakersFixture *bf,
                     gconstpointer    data)
{
  AppFixture f = bf->f;   /* read only: the fixture opens and closes it */
  TwBreakersPage *page = bf->page;
  TwTradingStateGroup *investiq = trip_investiq (bf);
  GtkWidget *dialog;
  guint before;

  /* Resume is guarded: the dialog opens, Confirm is off, Cancel sends nothing. */
  before = app_changing_requests (&f, "investiq");
  gtk_widget_activate_action (GTK_WIDGET (investiq), "breakers.resume", "s", "investiq");
  dialog = tw_breakers_page_get_guard_dialog (page);
  g_assert_nonnull (dialog);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  g_assert_false (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  /* It names what still holds InvestIQ halted. */
  g_test_message ("resume dialog: %s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "Still holding it halted: the Consecutive losses breaker, still at 3 of 3."));
  app_save_png_light_dark (dialog, "resume-guard-holds");
  /* The tripped loss breaker adds "recent trades reviewed". */
  g_assert_true (tw_guard_dialog_set_checked (TW_GUARD_DIALOG (dialog), TW_GUARD_CHECK_TRADES_REVIEWED, TRUE));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  /* Two answers of InvestIQ's next polls: a request sent on the confirm would have
   * gone out before them. */
  g_assert_true (app_wait_answers (&f, "investiq", 2, 5000));
  g_assert_cmpuint (app_changing_requests (&f, "investiq"), ==, before);
  g_assert_true (app_wait_halted (&f, "investiq", TRUE, 1000));
}

static void
test_halt_one (BreakersFixture *bf,
               gconstpointer    data)
{
  AppFixture f = bf->f;   /* read only: the fixture opens and closes it */
  TwBreakersPage *page = bf->page;
  TwTradingStateGroup *ibkr = tw_breakers_page_get_group (page, "ibkr-assistant");
  g_autofree char *finished = NULL;

  /* Halt on one service: one click, and the button is insensitive while in flight. */
  {
    TwTradingStateGroup *ai = tw_breakers_page_get_group (page, "ai-trading");

    g_signal_connect (page, "action-finished", G_CALLBACK (action_finished_cb), &finished);
    gtk_widget_activate_action (GTK_WIDGET (ai), "breakers.halt", "s", "ai-trading");
    g_assert_true (tw_action_runner_is_in_flight (tw_application_get_action_runner (app),
                                                  "ai-trading", "trading.halt"));
    g_assert_false (tw_trading_state_group_get_halt_sensitive (ai));
    /* A second click is refused before anything is sent. */
    gtk_widget_activate_action (GTK_WIDGET (ai), "breakers.halt", "s", "ai-trading");
    g_assert_true (tw_test_ui_wait_for (is_set, &finished, 10000));
    g_test_message ("%s", finished);
    g_assert_true (g_str_has_prefix (finished, "ai-trading trading.halt ok"));
    g_assert_cmpuint (app_changing_requests (&f, "ai-trading"), ==, 1);
    /* 001 has no read-back of the trading state and no resume: the group says so and
     * shows this console's own last action, never a guessed state. */
    g_assert_cmpstr (tw_trading_state_group_get_mode_text (ai), ==, "State not reported by this service");
    g_assert_true (g_str_has_prefix (tw_trading_state_group_get_detail_text (ai),
                                     "Last action from this console: halted at "));
    g_assert_nonnull (strstr (tw_trading_state_group_get_detail_text (ai), g_get_user_name ()));
    g_assert_nonnull (strstr (tw_trading_state_group_get_detail_text (ai), "documents no resume"));
    g_assert_false (tw_trading_state_group_get_resume_visible (ai));
    g_assert_true (tw_trading_state_group_get_halt_visible (ai));
    g_free (app_save_png (GTK_WIDGET (ai), "breakers-ai-trading-not-reported.png"));
    g_signal_handlers_disconnect_by_func (page, action_finished_cb, &finished);
  }

  /* The IBKR assistant halts with its kill switch: one stop control, named for what it is. */
  g_assert_cmpuint (tw_trading_state_group_count_stop_controls (ibkr), ==, 1);
  g_assert_false (tw_trading_state_group_get_halt_visible (ibkr));
  g_assert_cmpstr (tw_trading_state_group_get_kill_activate_label (ibkr), ==, "_Activate Kill Switch");
}

static void
test_emergency_stop (BreakersFixture *bf,
                     gconstpointer    data)
{
  AppFixture f = bf->f;   /* read only: the fixture opens and closes it */
  TwBreakersPage *page = bf->page;
  TwTradingStateGroup *investiq = tw_breakers_page_get_group (page, "investiq");
  g_autofree char *finished = NULL;

  /* AI trading's emergency stop: one click, no dialog, default reason, audited. */
  {
    TwTradingStateGroup *ai = tw_breakers_page_get_group (page, "ai-trading");
    TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
    g_autoptr(GListModel) rows = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) sent = NULL;
    GtkWidget *earlier_dialog;

    g_assert_true (tw_trading_state_group_get_emergency_stop_visible (ai));
    g_assert_true (tw_trading_state_group_get_emergency_stop_sensitive (ai));
    g_assert_false (tw_trading_state_group_get_emergency_stop_visible (investiq));
    app_clear_requests (&f);
    g_clear_pointer (&finished, g_free);
    g_signal_connect (page, "action-finished", G_CALLBACK (action_finished_cb), &finished);
    earlier_dialog = tw_breakers_page_get_guard_dialog (page);
    gtk_widget_activate_action (GTK_WIDGET (ai), "breakers.emergency-stop", "s", "ai-trading");
    /* No new guard dialog: toward safety. */
    g_assert_true (tw_breakers_page_get_guard_dialog (page) == earlier_dialog);
    g_assert_false (tw_trading_state_group_get_emergency_stop_sensitive (ai));
    g_assert_true (tw_test_ui_wait_for (is_set, &finished, 10000));
    g_test_message ("%s", finished);
    g_assert_true (g_str_has_prefix (finished, "ai-trading trading.emergency_stop ok"));
    g_assert_nonnull (strstr (finished, "positions closed, "));
    g_assert_nonnull (strstr (finished, "orders cancelled"));
    g_assert_true (tw_trading_state_group_get_emergency_stop_sensitive (ai));
    sent = trading_requests (&f, "ai-trading", "POST", "/api/trading/emergency-stop");
    g_assert_cmpuint (sent->len, ==, 1);
    g_assert_cmpuint (app_changing_requests (&f, NULL), ==, 1);

    filter.action = "trading.emergency_stop";
    rows = tw_audit_log_query (tw_application_get_audit_log (app), &filter, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
    {
      /* Newest first. */
      g_autoptr(TwAuditRecord) outcome = g_list_model_get_item (rows, 0);
      g_autoptr(TwAuditRecord) requested = g_list_model_get_item (rows, 1);

      g_assert_cmpint (tw_audit_record_get_outcome (requested), ==, TW_AUDIT_OUTCOME_REQUESTED);
      g_assert_cmpint (tw_audit_record_get_outcome (outcome), ==, TW_AUDIT_OUTCOME_OK);
      g_assert_true (g_str_has_prefix (tw_audit_record_get_reason (requested), "Emergency stop from Trade Warden by "));
    }
    g_assert_true (app_wait_halted (&f, "ai-trading", TRUE, 5000));
    g_signal_handlers_disconnect_by_func (page, action_finished_cb, &finished);
  }
}

typedef struct
{
  TwBreakersPage *page;
  const char     *service_id;
  const char     *part;
} DetailWait;

static gboolean
detail_has (gpointer user_data)
{
  DetailWait *wait = user_data;
  TwTradingStateGroup *group = tw_breakers_page_get_group (wait->page, wait->service_id);
  const char *detail = group != NULL ? tw_trading_state_group_get_detail_text (group) : NULL;

  if (detail == NULL)
    return FALSE;
  tw_risk_monitor_refresh (tw_application_get_risk_monitor (app));
  return strstr (detail, wait->part) != NULL;
}

static guint
count_occurrences (const char *text,
                   const char *part)
{
  guint n = 0;

  for (const char *p = strstr (text, part); p != NULL; p = strstr (p + 1, part))
    n++;
  return n;
}

/* Halt All on top of a tripped breaker: the breaker stays the first cause shown, the
 * Halt All is added after it, and no author is named twice. */
static void
test_cause_kept (BreakersFixture *bf,
                 gconstpointer    data)
{
  AppFixture f = bf->f;   /* read only: the fixture opens and closes it */
  TwTradingStateGroup *investiq = trip_investiq (bf);
  g_autoptr(GPtrArray) results = NULL;
  DetailWait wait = { bf->page, "investiq", "Trade Warden" };
  g_autofree char *by_user = g_strdup_printf ("by %s", g_get_user_name ());
  const char *detail;
  const char *breaker;
  const char *again;

  g_assert_nonnull (strstr (tw_trading_state_group_get_detail_text (investiq), "3 consecutive losses"));

  results = halt_all ();
  g_assert_true (tw_test_ui_wait_for (detail_has, &wait, 10000));
  detail = tw_trading_state_group_get_detail_text (investiq);
  g_test_message ("InvestIQ halted because: %s", detail);
  breaker = strstr (detail, "3 consecutive losses");
  again = strstr (detail, "then Halted from Trade Warden");
  g_assert_nonnull (breaker);
  g_assert_nonnull (again);
  g_assert_true (breaker < again);
  g_assert_nonnull (strstr (detail, "by circuit_breaker"));
  g_assert_cmpuint (count_occurrences (detail, by_user), ==, 1);
  g_assert_cmpstr (tw_trading_state_group_get_mode_text (investiq), ==, "HALTED");
  app_save_png_light_dark (GTK_WIDGET (f.window), "breakers-cause-kept");
}

typedef struct
{
  TwOverviewPage *page;
  const char     *part;
} SummaryWait;

static gboolean
trading_summary_has (gpointer user_data)
{
  SummaryWait *wait = user_data;
  const char *summary = tw_overview_page_get_trading_summary (wait->page);

  return summary != NULL && strstr (summary, wait->part) != NULL;
}

static void
close_halt_dialog (void)
{
  GtkWidget *dialog = tw_application_get_halt_dialog (app);

  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_close (GTK_WINDOW (dialog));
  tw_test_wait_until (dialog == NULL || !gtk_widget_get_visible (dialog), 5000);
  g_clear_weak_pointer (&dialog);
}

/* A breaker tripped, Halt All failing on one service: the Overview's first line says
 * trading is not safe (not "5 of 5 services OK" in green), each row its trading state,
 * and the failed-halt banner is there too. */
static void
test_overview_summary (BreakersFixture *bf,
                       gconstpointer    data)
{
  AppFixture f = bf->f;   /* read only: the fixture opens and closes it */
  TwOverviewPage *overview = tw_window_get_overview_page (f.window);
  g_autoptr(GPtrArray) results = NULL;
  SummaryWait wait = { overview, "Trading on 3 of 5 services · trading state not reported by 1" };
  TwServiceRow *row;
  const char *summary;

  g_assert_true (tw_window_show_page (f.window, "overview"));
  if (!tw_test_ui_wait_for (trading_summary_has, &wait, 10000))
    {
      GListModel *states = tw_risk_monitor_get_states (tw_application_get_risk_monitor (app));

      for (guint i = 0; i < g_list_model_get_n_items (states); i++)
        {
          g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);

          g_test_message ("%s: %s", tw_trading_state_get_service_id (state),
                          tw_trading_summary_mode_word (state, NULL));
        }
      g_error ("The Overview says “%s”", tw_overview_page_get_trading_summary (overview));
    }
  g_assert_cmpstr (tw_overview_page_get_trading_style (overview), ==, "success");
  g_assert_null (tw_overview_page_get_halt_failure (overview));
  row = tw_overview_page_get_row (overview, "investiq");
  g_assert_nonnull (row);
  g_assert_cmpstr (tw_service_row_get_trading_text (row), ==, "ACTIVE");
  g_assert_cmpstr (tw_service_row_get_trading_text (tw_overview_page_get_row (overview, "autotrader")), ==,
                   "no halt switch");

  /* The losing streak trips InvestIQ's breaker and halts it. */
  app_scenario (&f, "{\"name\":\"losing-streak\"}");
  g_assert_true (app_wait_halted (&f, "investiq", TRUE, 10000));
  wait.part = "1 breaker tripped";
  g_assert_true (tw_test_ui_wait_for (trading_summary_has, &wait, 10000));
  g_assert_cmpstr (tw_overview_page_get_trading_style (overview), ==, "error");
  /* The sidebar says so on Breakers, from any page. */
  tw_test_wait_until (g_strcmp0 (tw_window_get_page_badge (f.window, "breakers"), "1") == 0, 5000);
  g_assert_cmpstr (tw_window_get_page_badge (f.window, "breakers"), ==, "1");
  g_assert_null (tw_window_get_page_badge (f.window, "overview"));

  /* Halt All, refused by AI trading alone. */
  tw_test_sim_fault (f.sim, "ai-trading", "{\"path\":\"/api/trading/disable\",\"kind\":\"status\",\"status\":503}");
  results = halt_all ();
  close_halt_dialog ();
  for (guint i = 0; i < G_N_ELEMENTS (halting); i++)
    if (!g_str_equal (halting[i], "ai-trading"))
      g_assert_true (app_wait_halted (&f, halting[i], TRUE, 5000));
  wait.part = "Trading halted on 3 of 5 services";
  g_assert_true (tw_test_ui_wait_for (trading_summary_has, &wait, 10000));
  summary = tw_overview_page_get_trading_summary (overview);
  g_test_message ("Overview: %s", summary);
  g_assert_cmpstr (summary, ==, "Trading halted on 3 of 5 services · trading state not reported by 1 · "
                                "no halt switch on 1 · 1 breaker tripped · halt failed on AI trading");
  g_assert_cmpstr (tw_overview_page_get_trading_style (overview), ==, "error");
  /* The health line is a second line now, never the first answer. */
  g_assert_cmpstr (tw_overview_page_get_summary (overview), ==, "5 of 5 services OK");
  g_assert_nonnull (tw_overview_page_get_halt_failure (overview));
  g_assert_nonnull (strstr (tw_overview_page_get_halt_failure (overview), "AI trading"));
  g_assert_cmpstr (tw_service_row_get_trading_text (tw_overview_page_get_row (overview, "investiq")), ==,
                   "HALTED");
  g_assert_cmpstr (tw_service_row_get_trading_text (tw_overview_page_get_row (overview, "ai-trading")), ==,
                   "not reported");
  tw_test_wait_until (g_strcmp0 (tw_window_get_page_badge (f.window, "breakers"), "!") == 0, 5000);
  g_assert_cmpstr (tw_window_get_page_badge (f.window, "breakers"), ==, "!");
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  app_save_png_light_dark (GTK_WIDGET (f.window), "overview-incident");

  /* IBKR's kill switch file off again for the tests after this one. */
  app_scenario (&f, "{\"name\":\"reset\"}");
  g_assert_true (app_wait_halted (&f, "ibkr-assistant", FALSE, 10000));
}

static gboolean
row_is_last_known (gpointer user_data)
{
  TwBreakerRow *row = user_data;
  const char *subtitle = tw_breaker_row_get_subtitle (row);

  return subtitle != NULL && strstr (subtitle, "last known") != NULL;
}

/* InvestIQ stops answering: its breakers are drawn as last known — greyed, dated — and
 * never in the OK colour; its answer back makes them current again. */
static void
test_stale_breakers (BreakersFixture *bf,
                     gconstpointer    data)
{
  AppFixture f = bf->f;   /* read only: the fixture opens and closes it */
  TwTradingStateGroup *investiq = tw_breakers_page_get_group (bf->page, "investiq");
  TwBreakerRow *row = tw_trading_state_group_get_breaker_row (investiq, "consecutive_losses");

  g_assert_nonnull (row);
  g_assert_cmpstr (tw_breaker_row_get_state_style (row), ==, "success");
  g_assert_false (row_is_last_known (row));

  tw_test_sim_fault (f.sim, "investiq", "{\"path\":\"*\",\"kind\":\"drop\"}");
  g_assert_true (tw_test_ui_wait_for (row_is_last_known, row, 15000));
  g_test_message ("stale breaker: %s · %s", tw_breaker_row_get_state_text (row),
                  tw_breaker_row_get_subtitle (row));
  g_assert_null (tw_breaker_row_get_state_style (row));
  g_assert_nonnull (strstr (tw_breaker_row_get_subtitle (row), "0 of 3 — last known at "));
  {
    GListModel *breakers = tw_trading_state_get_breakers (
      tw_risk_monitor_lookup (tw_application_get_risk_monitor (app), "investiq"));

    g_assert_cmpuint (g_list_model_get_n_items (breakers), ==, 3);
    for (guint i = 0; i < g_list_model_get_n_items (breakers); i++)
      {
        g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);
        TwBreakerRow *other = tw_trading_state_group_get_breaker_row (investiq, tw_breaker_get_id (breaker));

        g_assert_nonnull (other);
        g_assert_true (row_is_last_known (other));
        g_assert_cmpstr (tw_breaker_row_get_state_style (other), ==, NULL);
      }
  }
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  app_save_png_light_dark (GTK_WIDGET (f.window), "breakers-stale");

  tw_test_sim_clear_faults (f.sim);
  tw_risk_monitor_refresh (tw_application_get_risk_monitor (app));
  tw_test_wait_until (!row_is_last_known (row), 15000);
  g_assert_cmpstr (tw_breaker_row_get_state_style (row), ==, "success");
}

static void
test_halt_all_failure (BreakersFixture *bf,
                       gconstpointer    data)
{
  AppFixture f = bf->f;   /* read only: the fixture opens and closes it */
  TwBreakersPage *page = bf->page;
  g_autoptr(GPtrArray) results = NULL;
  GtkWidget *dialog;

  /* app.halt with one service failing: loud — a dialog and the page's error row. */
  tw_test_sim_fault (f.sim, "ibkr-assistant", "{\"kind\":\"status\",\"status\":503}");
  /* Alpaca slow: the others' results are shown as they come, while it is awaited. */
  tw_test_sim_fault (f.sim, "alpaca",
                     "{\"path\":\"/v2/account/configurations\",\"method\":\"PATCH\","
                     "\"kind\":\"latency\",\"latency_ms\":3000,\"count\":1}");
  g_signal_connect (app, "halt-finished", G_CALLBACK (halt_finished_cb), &results);
  g_action_group_activate_action (G_ACTION_GROUP (app), "halt", NULL);
  g_assert_true (tw_test_ui_wait_for (progress_shows_fast_ones, NULL, 10000));
  g_test_message ("while halting: %s", tw_application_get_halt_progress (app));
  app_save_png_light_dark (GTK_WIDGET (f.window), "halt-progress");
  g_assert_null (results);
  g_assert_null (strstr (tw_application_get_halt_progress (app), "Alpaca"));
  g_assert_true (tw_test_ui_wait_for (is_set, &results, 10000));
  g_signal_handlers_disconnect_by_func (app, halt_finished_cb, &results);
  g_assert_null (tw_application_get_halt_progress (app));
  /* Every service named: IBKR failed, Autotrader cannot be halted from here. */
  g_assert_cmpuint (results->len, ==, G_N_ELEMENTS (halting) + 1);
  for (guint i = 0; i < results->len; i++)
    {
      TwActionResult *result = g_ptr_array_index (results, i);
      const char *id = tw_action_result_get_service_id (result);

      g_assert_cmpint (tw_action_result_get_ok (result), ==,
                       !g_str_equal (id, "ibkr-assistant") && !g_str_equal (id, "autotrader"));
    }
  dialog = tw_application_get_halt_dialog (app);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "1 Service Did Not Halt");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "IBKR assistant"));
  g_assert_nonnull (tw_breakers_page_get_halt_failure (page));
  g_assert_nonnull (strstr (tw_breakers_page_get_halt_failure (page), "IBKR assistant"));
  /* The Autotrader, which has no halt switch, is not among the services the halt did not
   * reach: it is named apart, with what to do instead. */
  {
    const char *failure = tw_breakers_page_get_halt_failure (page);
    const char *apart = strstr (failure, "\nCannot be halted from Trade Warden:\n");

    g_test_message ("%s", failure);
    g_assert_nonnull (apart);
    g_assert_null (g_strstr_len (failure, apart - failure, "Autotrader"));
    g_assert_nonnull (strstr (apart, "\nAutotrader — Its connector has no halt operation. Stop its trading "
                                     "where it runs, as its runbook says."));
    g_assert_cmpstr (tw_overview_page_get_halt_failure (tw_window_get_overview_page (f.window)), ==, failure);
  }
  /* The summary names every kind of result; the one that failed has a Retry of its own. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "Halted 3 of 5 services · 1 failed · 1 cannot be halted here"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "Autotrader: cannot be halted here"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "retry:ibkr-assistant"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "retry:ibkr-assistant"),
                   ==, "Retry IBKR assistant");
  g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "retry:autotrader"));
  app_save_png_light_dark (dialog, "halt-failure-dialog");
  g_free (app_save_png (GTK_WIDGET (f.window), "breakers-halt-failed-light.png"));

  /* Retry IBKR alone once it is fixed: the failure row goes, nothing else is sent. */
  tw_test_sim_clear_faults (f.sim);
  app_clear_requests (&f);
  g_clear_pointer (&results, g_ptr_array_unref);
  g_signal_connect (app, "halt-finished", G_CALLBACK (halt_finished_cb), &results);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "retry:ibkr-assistant");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (tw_test_ui_wait_for (is_set, &results, 10000));
  g_signal_handlers_disconnect_by_func (app, halt_finished_cb, &results);
  tw_test_wait_until (dialog == NULL || !gtk_widget_get_visible (dialog), 5000);
  g_clear_weak_pointer (&dialog);
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_true (tw_action_result_get_ok (g_ptr_array_index (results, 0)));
  g_assert_cmpuint (app_changing_requests (&f, "ibkr-assistant"), ==, 1);
  g_assert_cmpuint (app_changing_requests (&f, "investiq"), ==, 0);
  g_assert_null (tw_breakers_page_get_halt_failure (page));
  g_assert_true (app_wait_halted (&f, "ibkr-assistant", TRUE, 5000));

  /* Fixed, and halted again: every service halted, the error row gone. */
  tw_test_sim_clear_faults (f.sim);
  app_clear_requests (&f);
  g_clear_pointer (&results, g_ptr_array_unref);
  results = halt_all ();
  g_assert_cmpuint (tw_session_count_halt_failures (results), ==, 0);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (tw_action_result_get_ok (g_ptr_array_index (results, i)), ==,
                     !g_str_equal (tw_action_result_get_service_id (g_ptr_array_index (results, i)),
                                   "autotrader"));
  for (guint i = 0; i < G_N_ELEMENTS (halting); i++)
    {
      g_assert_cmpuint (app_changing_requests (&f, halting[i]), ==, 1);
      g_assert_true (app_wait_halted (&f, halting[i], TRUE, 5000));
    }
  g_assert_null (tw_breakers_page_get_halt_failure (page));
  /* No new failure dialog. */
  g_assert_true (tw_application_get_halt_dialog (app) == NULL
                 || !gtk_widget_get_visible (tw_application_get_halt_dialog (app)));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add ("/tw/ui/breakers/header", BreakersFixture, NULL, breakers_setup, test_header, breakers_teardown);
  /* Before any test that halts: IBKR's kill switch is a file (kill_switch.json), as in
   * the real service, and outlives the simulator of a fixture. */
  g_test_add ("/tw/ui/breakers/overview-summary", BreakersFixture, NULL, breakers_setup,
              test_overview_summary, breakers_teardown);
  g_test_add ("/tw/ui/breakers/tripped", BreakersFixture, NULL, breakers_setup, test_tripped, breakers_teardown);
  g_test_add ("/tw/ui/breakers/resume-guarded", BreakersFixture, NULL, breakers_setup, test_resume_guarded,
              breakers_teardown);
  g_test_add ("/tw/ui/breakers/halt-one", BreakersFixture, NULL, breakers_setup, test_halt_one, breakers_teardown);
  g_test_add ("/tw/ui/breakers/emergency-stop", BreakersFixture, NULL, breakers_setup, test_emergency_stop,
              breakers_teardown);
  g_test_add ("/tw/ui/breakers/cause-kept", BreakersFixture, NULL, breakers_setup, test_cause_kept,
              breakers_teardown);
  g_test_add ("/tw/ui/breakers/stale", BreakersFixture, NULL, breakers_setup, test_stale_breakers,
              breakers_teardown);
  g_test_add ("/tw/ui/breakers/halt-all-failure", BreakersFixture, NULL, breakers_setup, test_halt_all_failure,
              breakers_teardown);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
