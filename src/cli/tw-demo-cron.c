/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-demo-cron.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "tw-error.h"

/* The demo's cron bot (002): a folder of its own in the demo's throw-away directory
 * with a stand-in `crontab` (its table is a file there: the user's crontab is never
 * read or written), a stand-in live_trading.py that trades nothing and is running, its
 * log, its data file and a credential file of mode 600. The service finds the stand-in
 * first (CommandPath) and looks for the stand-in's own path (Pattern), so its halt stops
 * that process alone. */

#define CRONTAB_SCRIPT \
  "#!/bin/sh\n" \
  "# The demo's crontab(1): its table is crontab.txt beside bin/, never the user's.\n" \
  "root=$(dirname \"$0\")/..\n" \
  "table=\"$root/crontab.txt\"\n" \
  "case \"$1\" in\n" \
  "  -l) if [ -f \"$table\" ]; then cat \"$table\"; else echo \"no crontab for $(id -un)\" >&2; exit 1; fi ;;\n" \
  "  -r) rm -f \"$table\" ;;\n" \
  "  -) cat > \"$table\" ;;\n" \
  "  *) echo \"usage: crontab [-l|-r|-]\" >&2; exit 2 ;;\n" \
  "esac\n"

/* It ends on TERM (the halt's pkill -f), and by itself once the console that started
 * it is gone or the demo's folder was removed. */
#define BOT_SCRIPT \
  "#!/bin/sh\n" \
  "# The demo's stand-in for 002's live_trading.py: it trades nothing.\n" \
  "here=$(dirname \"$0\")\n" \
  "trap 'exit 0' TERM\n" \
  "while [ -d \"$here\" ] && kill -0 \"$1\" 2>/dev/null; do sleep 1; done\n"

static gboolean
write_file (const char  *dir,
            const char  *name,
            const char  *text,
            int          mode,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, mode, error);
}

gboolean
tw_demo_cron_bot_add (TwProfile   *profile,
                      const char  *data_dir,
                      GError     **error)
{
  g_autofree char *template = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *bin = NULL;
  g_autofree char *logs = NULL;
  g_autofree char *bot = NULL;
  g_autofree char *table = NULL;
  g_autofree char *url = NULL;
  g_autofree char *save_dir = NULL;
  g_autofree char *log_name = NULL;
  g_autofree char *pid = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(TwService) service = NULL;
  const char *argv[4];

  g_return_val_if_fail (TW_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (data_dir != NULL, FALSE);

  /* A folder per demo profile: each has its own bot to stop. */
  template = g_build_filename (data_dir, "cron-bot-XXXXXX", NULL);
  dir = g_mkdtemp (g_steal_pointer (&template));
  if (dir == NULL)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not make the demo cron bot's folder in %s: %s"),
                   data_dir, g_strerror (saved));
      return FALSE;
    }
  bin = g_build_filename (dir, "bin", NULL);
  logs = g_build_filename (dir, "logs", NULL);
  bot = g_build_filename (dir, "live_trading.py", NULL);
  save_dir = g_build_filename (dir, "saved", NULL);
  log_name = g_date_time_format (now, "trading_%Y%m%d.log");
  table = g_strdup_printf ("# The demo's cron bot: every 5 minutes of the trading day\n"
                           "*/5 9-16 * * 1-5 cd %s && /bin/sh %s >> logs/cron_trading.log 2>&1\n",
                           dir, bot);
  if (g_mkdir_with_parents (bin, 0700) != 0 || g_mkdir_with_parents (logs, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not make the demo cron bot's folder in %s: %s"),
                   dir, g_strerror (saved));
      return FALSE;
    }
  if (!write_file (bin, "crontab", CRONTAB_SCRIPT, 0755, error) ||
      !write_file (dir, "live_trading.py", BOT_SCRIPT, 0755, error) ||
      !write_file (dir, "crontab.txt", table, 0600, error) ||
      !write_file (logs, log_name, "INFO demo: prediction 0.62 above threshold 0.5\n", 0644, error) ||
      !write_file (dir, "processed_stock_data.csv", "date,symbol,close\n", 0644, error) ||
      !write_file (dir, ".schwab_config.enc", "demo: not a credential\n", 0600, error))
    return FALSE;

  /* Reaped by GLib's double fork: it outlives nothing but its own loop. */
  pid = g_strdup_printf ("%d", (int) getpid ());
  argv[0] = "/bin/sh";
  argv[1] = bot;
  argv[2] = pid;
  argv[3] = NULL;
  if (!g_spawn_async (dir, (char **) argv, NULL,
                      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                      error))
    return FALSE;

  url = g_filename_to_uri (dir, NULL, error);
  if (url == NULL)
    return FALSE;
  service = tw_service_new ("cron-bot", "cron-bot", url);
  tw_service_set_name (service, "Cron bot");
  tw_service_set_setting (service, "Pattern", bot);
  tw_service_set_setting (service, "CommandPath", bin);
  tw_service_set_setting (service, "SaveDir", save_dir);
  /* The stand-ins live in the sandbox's own folder, not on the host. */
  tw_service_set_setting (service, "AllowHost", "false");
  tw_profile_add_service (profile, service);
  return TRUE;
}
