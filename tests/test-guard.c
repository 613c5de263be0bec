/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-error.h"
#include "tw-guard.h"

static void
test_toward_safety_one_click (void)
{
  g_autoptr(TwGuardRequest) req = tw_guard_request_new ("trading.halt", "investiq", "prod", TW_MODE_LIVE);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (tw_guard_request_get_direction (req), ==, TW_GUARD_TOWARD_SAFETY);
  g_assert_false (tw_guard_request_needs_reason (req));
  g_assert_false (tw_guard_request_needs_typed_name (req));
  g_assert_cmpuint (tw_guard_request_get_checklist (req)->len, ==, 0);
  g_assert_true (tw_guard_request_check (req, &error));
  g_assert_no_error (error);
}

static void
test_away_needs_reason_and_checklist (void)
{
  g_autoptr(TwGuardRequest) req = tw_guard_request_new ("trading.resume", "investiq", "demo", TW_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  GPtrArray *checklist;

  checklist = tw_guard_request_get_checklist (req);
  g_assert_cmpuint (checklist->len, ==, 3);
  g_assert_true (tw_guard_check_is_automatic (TW_GUARD_CHECK_HEALTH_GREEN));
  g_assert_false (tw_guard_check_is_automatic (TW_GUARD_CHECK_ROOT_CAUSE));

  g_assert_false (tw_guard_request_check (req, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "reason of at least 10"));
  g_assert_nonnull (strstr (error->message, "Root cause identified"));
  g_assert_nonnull (strstr (error->message, "nothing was sent"));
  g_clear_error (&error);

  /* Whitespace does not count toward the length. */
  tw_guard_request_set_reason (req, "   short     ");
  for (guint i = 0; i < checklist->len; i++)
    tw_guard_request_set_checked (req, g_ptr_array_index (checklist, i), TRUE);
  g_assert_false (tw_guard_request_check (req, &error));
  g_assert_nonnull (strstr (error->message, "reason"));
  g_assert_null (strstr (error->message, "Root cause"));
  g_clear_error (&error);

  {
    g_autofree char *missing = tw_guard_request_dup_missing (req);

    g_assert_cmpstr (missing, ==, "a reason of at least 10 characters");
  }

  tw_guard_request_set_reason (req, "Broker reconnected, losses reviewed with desk");
  g_assert_true (tw_guard_request_check (req, &error));
  g_assert_no_error (error);
  g_assert_null (tw_guard_request_dup_missing (req));

  /* Unticking one item refuses again. */
  tw_guard_request_set_checked (req, TW_GUARD_CHECK_BROKER_CONNECTED, FALSE);
  g_assert_false (tw_guard_request_check (req, &error));
  g_assert_nonnull (strstr (error->message, "Broker connected"));
}

static void
test_loss_breaker_adds_trade_review (void)
{
  g_autoptr(TwGuardRequest) req = tw_guard_request_new ("breakers.reset", "investiq", "demo", TW_MODE_PAPER);

  g_assert_cmpuint (tw_guard_request_get_checklist (req)->len, ==, 3);
  tw_guard_request_set_breaker_kind (req, "loss");
  g_assert_cmpuint (tw_guard_request_get_checklist (req)->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (tw_guard_request_get_checklist (req), 3), ==,
                   TW_GUARD_CHECK_TRADES_REVIEWED);
}

/* 001: a rate-gate quota is reset only when the exchange already blocks. */
static void
test_rate_limit_reset_needs_blocking (void)
{
  g_autoptr(TwGuardRequest) req = tw_guard_request_new ("ratelimit.reset", "ai-trading", "demo", TW_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  GPtrArray *checklist = tw_guard_request_get_checklist (req);

  g_assert_cmpint (tw_guard_request_get_direction (req), ==, TW_GUARD_AWAY_FROM_SAFETY);
  g_assert_cmpuint (checklist->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (checklist, 0), ==, TW_GUARD_CHECK_EXCHANGE_BLOCKING);
  g_assert_false (tw_guard_check_is_automatic (TW_GUARD_CHECK_EXCHANGE_BLOCKING));

  tw_guard_request_set_reason (req, "alphavantage answers 429 to every call");
  g_assert_false (tw_guard_request_check (req, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "The exchange already blocks our requests"));
  g_clear_error (&error);

  tw_guard_request_set_checked (req, TW_GUARD_CHECK_EXCHANGE_BLOCKING, TRUE);
  g_assert_true (tw_guard_request_check (req, &error));
  g_assert_no_error (error);
}

static void
count_changed (TwGuardRequest *req,
               guint          *count)
{
  (*count)++;
}

static void
test_changed_signal (void)
{
  g_autoptr(TwGuardRequest) req = tw_guard_request_new ("trading.resume", "x", "demo", TW_MODE_PAPER);
  guint count = 0;

  g_signal_connect (req, "changed", G_CALLBACK (count_changed), &count);
  tw_guard_request_set_reason (req, "a reason long enough");
  tw_guard_request_set_reason (req, "a reason long enough");
  g_assert_cmpuint (count, ==, 1);
  tw_guard_request_set_checked (req, TW_GUARD_CHECK_ROOT_CAUSE, TRUE);
  tw_guard_request_set_checked (req, TW_GUARD_CHECK_ROOT_CAUSE, TRUE);
  g_assert_cmpuint (count, ==, 2);
}

static void
test_destructive_live_needs_typed_name (void)
{
  g_autoptr(TwGuardRequest) paper = tw_guard_request_new ("positions.close", "AAPL", "demo", TW_MODE_PAPER);
  g_autoptr(TwGuardRequest) live = tw_guard_request_new ("positions.close", "AAPL", "prod-live", TW_MODE_LIVE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_guard_request_needs_reason (paper));
  g_assert_false (tw_guard_request_needs_typed_name (paper));
  tw_guard_request_set_reason (paper, "Position stuck after broker outage");
  g_assert_true (tw_guard_request_check (paper, NULL));

  g_assert_true (tw_guard_request_needs_typed_name (live));
  tw_guard_request_set_reason (live, "Position stuck after broker outage");
  g_assert_false (tw_guard_request_check (live, &error));
  g_assert_nonnull (strstr (error->message, "prod-live"));
  g_clear_error (&error);

  tw_guard_request_set_typed_confirmation (live, "prod-LIVE");
  g_assert_false (tw_guard_request_check (live, NULL));
  tw_guard_request_set_typed_confirmation (live, "prod-live");
  g_assert_true (tw_guard_request_check (live, &error));
  g_assert_no_error (error);
}

static void
test_unknown_action_refused (void)
{
  g_autoptr(TwGuardRequest) req = tw_guard_request_new ("positions.yolo", "x", "demo", TW_MODE_PAPER);
  g_autoptr(GError) error = NULL;

  g_assert_null (tw_guard_lookup_action ("positions.yolo"));
  g_assert_cmpint (tw_guard_request_get_direction (req), ==, TW_GUARD_DESTRUCTIVE);
  tw_guard_request_set_reason (req, "a perfectly long reason");
  g_assert_false (tw_guard_request_check (req, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
}

static void
test_lifetime (void)
{
  TwGuardRequest *req = tw_guard_request_new ("killswitch.deactivate", "ibkr", "demo", TW_MODE_PAPER);

  tw_guard_request_set_checked (req, TW_GUARD_CHECK_ROOT_CAUSE, TRUE);
  g_assert_finalize_object (req);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/guard/toward-safety", test_toward_safety_one_click);
  g_test_add_func ("/tw/core/guard/away-from-safety", test_away_needs_reason_and_checklist);
  g_test_add_func ("/tw/core/guard/loss-breaker", test_loss_breaker_adds_trade_review);
  g_test_add_func ("/tw/core/guard/rate-limit-reset", test_rate_limit_reset_needs_blocking);
  g_test_add_func ("/tw/core/guard/changed", test_changed_signal);
  g_test_add_func ("/tw/core/guard/destructive-live", test_destructive_live_needs_typed_name);
  g_test_add_func ("/tw/core/guard/unknown-action", test_unknown_action_refused);
  g_test_add_func ("/tw/core/guard/lifetime", test_lifetime);

  return g_test_run ();
}
