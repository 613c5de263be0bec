/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ages the pages show: one "N s / min / h / days ago" (tw_ui_format_ago) inside the
 * Overview's "updated …", the breakers' "since 14:02, …" and the backups' "… ago", with
 * the same boundaries everywhere. The German forms are in test-translations. */
#include "config.h"

#include <gtk/gtk.h>

#include "tw-alerts-page-private.h"
#include "tw-backup-ui-util.h"
#include "tw-ui-util.h"

static void
assert_format (char       *text,
               const char *expected)
{
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

/* The Alerts page's acknowledgement line says which time is the end, and dates a time
 * only when it is not today's. */
static void
test_ack_line (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 12, 6, 9, 30, 0);
  g_autoptr(GDateTime) at = g_date_time_new_local (2026, 12, 6, 7, 18, 0);
  g_autoptr(GDateTime) until = g_date_time_new_local (2026, 12, 6, 8, 18, 0);
  g_autoptr(GDateTime) tomorrow = g_date_time_new_local (2026, 12, 7, 6, 5, 0);
  g_autoptr(GDateTime) yesterday = g_date_time_new_local (2026, 12, 5, 23, 40, 0);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (at);

  assert_format (_tw_alerts_page_format_ack_line ("alice", at, until, now),
                 "Acknowledged by alice at 07:18, until 08:18");
  assert_format (_tw_alerts_page_format_ack_line ("alice", at, tomorrow, now),
                 "Acknowledged by alice at 07:18, until 2026-12-07 06:05");
  assert_format (_tw_alerts_page_format_ack_line ("bob", yesterday, until, now),
                 "Acknowledged by bob at 2026-12-05 23:40, until 08:18");
  assert_format (_tw_alerts_page_format_ack_line ("bob", yesterday, NULL, now),
                 "Acknowledged by bob at 2026-12-05 23:40, until it resolves");
  /* A time given in UTC is shown in local time, as the other times of the page */
  assert_format (_tw_alerts_page_format_ack_line ("carol", utc, until, now),
                 "Acknowledged by carol at 07:18, until 08:18");
}

static void
test_ago (void)
{
  assert_format (tw_ui_format_ago (-5), "0 s ago");
  assert_format (tw_ui_format_ago (0), "0 s ago");
  assert_format (tw_ui_format_ago (1), "1 s ago");
  assert_format (tw_ui_format_ago (59), "59 s ago");
  assert_format (tw_ui_format_ago (60), "1 min ago");
  assert_format (tw_ui_format_ago (3599), "59 min ago");
  assert_format (tw_ui_format_ago (3600), "1 h ago");
  /* Hours up to two days, so "1 day ago" never shows: "36 h ago", then "2 days ago". */
  assert_format (tw_ui_format_ago (36 * 3600), "36 h ago");
  assert_format (tw_ui_format_ago (2 * 86400 - 1), "47 h ago");
  assert_format (tw_ui_format_ago (2 * 86400), "2 days ago");
  assert_format (tw_ui_format_ago (9 * 86400 + 3600), "9 days ago");
}

static void
test_data_age (void)
{
  assert_format (tw_ui_format_age (-1, FALSE), "no answer yet");
  assert_format (tw_ui_format_age (-1, TRUE), "stale — never answered");
  assert_format (tw_ui_format_age (3, FALSE), "updated 3 s ago");
  assert_format (tw_ui_format_age (240, TRUE), "stale — updated 4 min ago");
  assert_format (tw_ui_format_age (3 * 86400, FALSE), "updated 3 days ago");
}

static void
test_since (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, -185);
  g_autofree char *clock = NULL;
  g_autofree char *expected = NULL;

  /* Across midnight the date is shown too: build the clock part the same way. */
  if (g_date_time_get_year (then) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (then) == g_date_time_get_day_of_year (now))
    clock = g_date_time_format (then, "%H:%M");
  else
    clock = g_date_time_format (then, "%Y-%m-%d %H:%M");
  expected = g_strdup_printf ("since %s, 3 min ago", clock);
  assert_format (tw_ui_format_since (then), expected);
}

static void
test_backup_age (void)
{
  assert_format (tw_backup_ui_format_age (-1), "never");
  assert_format (tw_backup_ui_format_age (0), "just now");
  assert_format (tw_backup_ui_format_age (59), "just now");
  assert_format (tw_backup_ui_format_age (240), "4 min ago");
  assert_format (tw_backup_ui_format_age (30 * 3600), "30 h ago");
  assert_format (tw_backup_ui_format_age (3 * 86400), "3 days ago");
}

int
main (int   argc,
      char *argv[])
{
  /* Untranslated strings, whatever the caller's LANG. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tw/ui/format/ack-line", test_ack_line);
  g_test_add_func ("/tw/ui/format/ago", test_ago);
  g_test_add_func ("/tw/ui/format/data-age", test_data_age);
  g_test_add_func ("/tw/ui/format/since", test_since);
  g_test_add_func ("/tw/ui/format/backup-age", test_backup_age);

  return g_test_run ();
}
