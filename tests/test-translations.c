/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "tw-application.h"
#include "tw-backup-ui-test.h"
#include "tw-error.h"
#include "tw-guard.h"
#include "tw-overview-page.h"
#include "tw-overview-page-private.h"
#include "tw-test-i18n.h"
#include "tw-test-ui.h"
#include "tw-test-util.h"
#include "tw-ui-util.h"

/* Messages as a German operator reads them, from the catalog the build makes (po/de.po):
 * the Overview's plural counts (one ngettext pair each, singular and plural), the core's
 * guard refusal with its translated action title and checklist labels, the ages ("vor 3 min"),
 * the dates ("01.05.2024 14:30:07").
 * Every other test reads the English msgids in C. */

static TwApplication *app;

/* A port nobody listens on: connections to it are refused. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

typedef struct
{
  TwOverviewPage *page;
  const char     *expected;
} SummaryWait;

static gboolean
summary_is (gpointer user_data)
{
  SummaryWait *wait = user_data;

  return g_strcmp0 (tw_overview_page_get_summary (wait->page), wait->expected) == 0;
}

static void
add_unreachable_service (TwProfile  *profile,
                         TwSecrets  *secrets,
                         const char *id,
                         const char *name)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autoptr(TwService) service = tw_service_new (id, "investiq", url);
  g_autoptr(GError) error = NULL;

  g_object_set (service, "name", name, NULL);
  tw_profile_add_service (profile, service);
  g_assert_true (tw_secrets_store_sync (secrets, tw_profile_get_name (profile), id, "api_key",
                                        "i18n-test-key", NULL, &error));
  g_assert_no_error (error);
}

/* One service down, then two: "1 Dienst nicht erreichbar", "2 Dienste nicht erreichbar".
 * The plural form is only found when the pair is one msgid/msgid_plural entry. */
static void
test_overview_plurals_german (void)
{
  g_autofree char *saved = NULL;
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwProfile) profile = tw_profile_new ("i18n", TW_MODE_PAPER);
  g_autoptr(TwWorkspace) workspace = NULL;
  GtkWidget *window;
  GtkWidget *page;
  SummaryWait wait;

  if (!tw_test_enter_german (&saved))
    return;

  tw_connector_registry_load_default (registry);
  add_unreachable_service (profile, secrets, "one", "InvestIQ Eins");
  workspace = tw_workspace_new (profile, registry, http, secrets);
  tw_workspace_set_poll_interval (workspace, 1000);
  tw_workspace_start (workspace);

  page = tw_overview_page_new ();
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 420);
  gtk_window_set_child (GTK_WINDOW (window), page);
  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), workspace);
  gtk_window_present (GTK_WINDOW (window));

  wait.page = TW_OVERVIEW_PAGE (page);
  wait.expected = "1 Dienst nicht erreichbar — 0 von 1 OK";
  if (!tw_test_ui_wait_for (summary_is, &wait, 30000))
    g_error ("summary: “%s”, expected “%s”", tw_overview_page_get_summary (wait.page),
             wait.expected);

  add_unreachable_service (profile, secrets, "two", "InvestIQ Zwei");
  wait.expected = "2 Dienste nicht erreichbar — 0 von 2 OK";
  if (!tw_test_ui_wait_for (summary_is, &wait, 30000))
    g_error ("summary: “%s”, expected “%s”", tw_overview_page_get_summary (wait.page),
             wait.expected);
  tw_test_save_pngs (window, "translations-overview-de");

  /* Back in C: the msgids, as every other test reads them. */
  setlocale (LC_ALL, "C");
  g_assert_cmpstr (ngettext ("%u service unreachable", "%u services unreachable", 2), ==,
                   "%u services unreachable");
  setlocale (LC_ALL, saved);

  tw_workspace_stop (workspace);
  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (g_steal_pointer (&workspace));
}

/* The guard lives in core: its refusal, the action's title and the checklist labels come
 * from the same catalog (gi18n-lib) in any program that links it. */
static void
test_guard_refusal_german (void)
{
  g_autofree char *saved = NULL;
  g_autoptr(TwGuardRequest) request = tw_guard_request_new ("trading.resume", "investiq",
                                                            "demo", TW_MODE_PAPER);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) english = NULL;
  g_autofree char *missing = NULL;

  if (!tw_test_enter_german (&saved))
    return;

  g_assert_false (tw_guard_request_check (request, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_test_message ("in German: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message,
                                   "„Handel fortsetzen“ wurde abgelehnt, nichts wurde gesendet. "
                                   "Noch nötig: eine Begründung mit mindestens 10 Zeichen; "
                                   "„Ursache gefunden“; "));
  g_assert_nonnull (strstr (error->message, "„Alle Dienste in Ordnung“"));

  tw_guard_request_set_reason (request, "Ursache behoben, Preise wieder normal");
  tw_guard_request_set_checked (request, TW_GUARD_CHECK_ROOT_CAUSE, TRUE);
  missing = tw_guard_request_dup_missing (request);
  g_assert_nonnull (missing);
  g_assert_null (strstr (missing, "Begründung"));
  g_assert_null (strstr (missing, "Ursache gefunden"));
  g_assert_nonnull (strstr (missing, "„Alle Dienste in Ordnung“"));

  /* Back in C: English, and the labels stay untranslated for the front ends. */
  setlocale (LC_ALL, "C");
  g_assert_false (tw_guard_request_check (request, &english));
  g_assert_true (g_str_has_prefix (english->message,
                                   "Resume trading was refused and nothing was sent. Still "
                                   "needed: “All services healthy”"));
  g_assert_cmpstr (tw_guard_check_get_label (TW_GUARD_CHECK_ROOT_CAUSE), ==,
                   "Root cause identified");
  setlocale (LC_ALL, saved);
}

/* One "… ago" for every page, with the German plural forms ("vor 1 Tag", "vor 3 Tagen")
 * and the word order of the sentences around it ("vor 4 min aktualisiert"). */
static void
test_ago_german (void)
{
  g_autofree char *saved = NULL;
  g_autofree char *ago = NULL;
  g_autofree char *days = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *stale = NULL;

  if (!tw_test_enter_german (&saved))
    return;

  ago = tw_ui_format_ago (185);
  g_assert_cmpstr (ago, ==, "vor 3 min");
  days = tw_ui_format_ago (3 * 86400);
  g_assert_cmpstr (days, ==, "vor 3 Tagen");
  /* Hours run up to two days, so the singular only shows in the catalog. */
  g_assert_cmpstr (ngettext ("%d day ago", "%d days ago", 1), ==, "vor %d Tag");
  updated = tw_ui_format_age (240, FALSE);
  g_assert_cmpstr (updated, ==, "vor 4 min aktualisiert");
  stale = tw_ui_format_age (7200, TRUE);
  g_assert_cmpstr (stale, ==, "veraltet — vor 2 h aktualisiert");

  setlocale (LC_ALL, saved);
}

/* A date before today as a German operator writes it ("01.05.2024 14:30:07"), the
 * day's times as they were; in C the ISO form the msgid holds. */
static void
test_dates_german (void)
{
  g_autofree char *saved = NULL;
  g_autoptr(GDateTime) then = g_date_time_new_local (2024, 5, 1, 14, 30, 7);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now),
                                                      g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now),
                                                      0, 0, 1);
  g_autofree char *time = NULL;
  g_autofree char *since = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *english = NULL;

  if (!tw_test_enter_german (&saved))
    return;

  time = tw_ui_format_time (then);
  g_assert_cmpstr (time, ==, "01.05.2024 14:30:07");
  since = tw_ui_format_since (then);
  g_assert_true (g_str_has_prefix (since, "seit 01.05.2024 14:30, vor "));
  clock = tw_ui_format_time (today);
  g_assert_cmpstr (clock, ==, "00:00:01");

  setlocale (LC_ALL, "C");
  english = tw_ui_format_time (then);
  g_assert_cmpstr (english, ==, "2024-05-01 14:30:07");
  setlocale (LC_ALL, saved);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* LANGUAGE would take precedence over the German locale; unset before any thread. */
  g_unsetenv ("LANGUAGE");
  tw_test_ui_main_setup (&argc, &argv, &app);
  g_test_add_func ("/tw/ui/translations/overview-plurals-de", test_overview_plurals_german);
  g_test_add_func ("/tw/ui/translations/guard-refusal-de", test_guard_refusal_german);
  g_test_add_func ("/tw/ui/translations/ago-de", test_ago_german);
  g_test_add_func ("/tw/ui/translations/dates-de", test_dates_german);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
