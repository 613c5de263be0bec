/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile.h"

#include <stdlib.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-host-command.h"
#include "tw-profile-private.h"

static int
compare_option_names (const void *a,
                      const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The profile file's format: parsing it (refusing secrets first) and writing it. Where
 * the files are, reading them safely, saving and listing: tw-profile-disk.c.
 * The format:
 *
 *   [Profile]
 *   Name=paper-main
 *   Mode=paper
 *
 *   [Service alpaca]
 *   Name=Alpaca (paper)
 *   Connector=alpaca
 *   BaseUrl=https://paper-api.alpaca.markets
 *   EnvFile=/srv/ibkr/.env               (optional: read to tell a flag's layer)
 *   FlagsFile=/srv/ibkr/feature_flags.json  (optional, likewise)
 *
 *   [Database audit]
 *   Path=/srv/ibkr/audit.db
 *   BackupDir=/srv/backups
 *   RetentionDays=14
 *   ScheduleHours=24
 *
 *   [Log trading]
 *   Path=/srv/bot/logs/trading.log
 */

#define GROUP_PROFILE   "Profile"
#define PREFIX_SERVICE  "Service "
#define PREFIX_DATABASE "Database "
#define PREFIX_LOG      "Log "

/* Loading */

/* GKeyFile's own parse errors quote the offending line, which may be a secret pasted
 * in the wrong place: find the line number ourselves and never quote it. */
static guint
find_malformed_line (const char *data)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      while (g_ascii_isspace (*line))
        line++;
      if (*line == '\0' || *line == '#')
        continue;
      if (*line == '[')
        {
          if (strchr (line, ']') == NULL)
            return i + 1;
          continue;
        }
      if (strchr (line, '=') == NULL || *line == '=')
        return i + 1;
    }
  return 0;
}

static gboolean
looks_secret (const char *text)
{
  return _tw_profile_text_holds_secret (text);
}

static gboolean
refuse_secrets (GKeyFile    *keyfile,
                const char  *filename,
                GError     **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (keyfile, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_auto(GStrv) keys = NULL;

      if (looks_secret (groups[i]))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: a group name holds a secret. Secrets are kept only in the "
                         "keyring: remove it and enter the key in the profile editor."),
                       filename);
          return FALSE;
        }

      keys = g_key_file_get_keys (keyfile, groups[i], NULL, NULL);
      for (guint j = 0; keys != NULL && keys[j] != NULL; j++)
        {
          /* Unescaped, as the profile reads and writes it: "\r" in the file is the one
           * character a loaded value holds (found by fuzz-profile: a value that passed,
           * saved, then looked like a key). */
          g_autofree char *value = g_key_file_get_string (keyfile, groups[i], keys[j], NULL);
          g_autofree char *stripped = NULL;

          if (value == NULL)
            value = g_key_file_get_value (keyfile, groups[i], keys[j], NULL);
          stripped = g_strstrip (g_strdup (value != NULL ? value : ""));

          if (looks_secret (keys[j]))
            {
              g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                           _("%s: [%s] a key name holds a secret. Secrets are kept only in the "
                             "keyring: remove the line and enter the key in the profile editor."),
                           filename, groups[i]);
              return FALSE;
            }

          if (_tw_profile_key_is_secret_name (keys[j]) && *stripped != '\0')
            {
              g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                           _("%s: [%s] key “%s” holds a secret. Secrets are kept only in the "
                             "keyring: remove the line and enter the key in the profile editor."),
                           filename, groups[i], keys[j]);
              return FALSE;
            }

          if (looks_secret (stripped))
            {
              g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                           _("%s: [%s] key “%s” holds a secret. Secrets are kept only in the "
                             "keyring: remove it from the value and enter the key in the "
                             "profile editor."),
                           filename, groups[i], keys[j]);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static void
debug_unknown_keys (GKeyFile           *keyfile,
                    const char         *filename,
                    const char         *group,
                    const char * const *known)
{
  g_auto(GStrv) keys = g_key_file_get_keys (keyfile, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      if (!g_strv_contains (known, keys[i]))
        g_debug ("%s: [%s] ignoring unknown key “%s”", filename, group, keys[i]);
    }
}

/* NULL when absent or empty. */
static char *
get_string (GKeyFile   *keyfile,
            const char *group,
            const char *key)
{
  g_autofree char *value = g_key_file_get_string (keyfile, group, key, NULL);

  if (value == NULL)
    return NULL;
  g_strstrip (value);
  if (*value == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

static gboolean
get_uint (GKeyFile    *keyfile,
          const char  *filename,
          const char  *group,
          const char  *key,
          guint       *out,
          GError     **error)
{
  g_autofree char *value = get_string (keyfile, group, key);
  guint64 number;

  *out = 0;
  if (value == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &number, NULL))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: [%s] “%s” must be a whole number of 0 or more. Fix the line."),
                   filename, group, key);
      return FALSE;
    }
  *out = (guint)number;
  return TRUE;
}

static gboolean
check_id (const char  *filename,
          const char  *group,
          const char  *id,
          GError     **error)
{
  if (_tw_profile_id_is_valid (id))
    return TRUE;

  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
               _("%s: [%s] the id after the group's kind must use only lower-case letters, "
                 "digits, “-” and “_” (e.g. [Service trading-api]). Rename the group."),
               filename, group);
  return FALSE;
}

/* A system with no API, run by commands (a "commands" connector): its address is its
 * folder, as a file:// URL of an absolute path. */
static gboolean
dir_url_is_valid (const char *url)
{
  g_autofree char *path = NULL;

  if (!g_str_has_prefix (url, "file:///"))
    return FALSE;
  for (const char *p = url; *p; p++)
    if (g_ascii_iscntrl (*p))
      return FALSE;
  path = g_filename_from_uri (url, NULL, NULL);
  return path != NULL && g_path_is_absolute (path);
}

static gboolean
check_service (const char  *filename,
               const char  *group,
               const char  *connector_id,
               const char  *base_url,
               GError     **error)
{
  if (connector_id == NULL || *connector_id == '\0')
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: [%s] has no “Connector”. Add the connector's id (the “id” in "
                     "its connector file)."),
                   filename, group);
      return FALSE;
    }
  if (base_url == NULL || *base_url == '\0')
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: [%s] has no “BaseUrl”. Add the service's address, "
                     "e.g. BaseUrl=http://127.0.0.1:3000."),
                   filename, group);
      return FALSE;
    }
  if (!_tw_profile_url_is_valid (base_url) && !dir_url_is_valid (base_url))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: [%s] “BaseUrl” “%s” is not an http:// or https:// address with a host. "
                     "Fix it, e.g. http://127.0.0.1:3000."),
                   filename, group, base_url);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_service (TwProfile   *self,
              GKeyFile    *keyfile,
              const char  *filename,
              const char  *group,
              GError     **error)
{
  static const char * const known[] = { "Name", "Connector", "BaseUrl", "SlowMs", "EnvFile",
                                        "FlagsFile", NULL };
  g_autofree char *env_file = NULL;
  g_autofree char *flags_file = NULL;
  const char *id = group + strlen (PREFIX_SERVICE);
  g_autofree char *name = get_string (keyfile, group, "Name");
  g_autofree char *connector_id = get_string (keyfile, group, "Connector");
  g_autofree char *base_url = get_string (keyfile, group, "BaseUrl");
  g_autoptr(TwService) service = NULL;
  guint slow_ms = TW_SERVICE_DEFAULT_SLOW_MS;

  if (!check_id (filename, group, id, error)
      || !check_service (filename, group, connector_id, base_url, error))
    return FALSE;
  if (g_key_file_has_key (keyfile, group, "SlowMs", NULL)
      && !get_uint (keyfile, filename, group, "SlowMs", &slow_ms, error))
    return FALSE;

  service = tw_service_new (id, connector_id, base_url);
  if (name != NULL)
    tw_service_set_name (service, name);
  /* The other keys are the connector's "settings" (a commands connector's files and
   * patterns): kept as they are, saved back, read by the connector. */
  {
    g_auto(GStrv) keys = g_key_file_get_keys (keyfile, group, NULL, NULL);

    for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
      {
        g_autofree char *value = NULL;

        if (g_strv_contains (known, keys[i]) || strchr (keys[i], '[') != NULL)
          continue;
        value = get_string (keyfile, group, keys[i]);
        g_debug ("%s: [%s] setting “%s” kept for the connector", filename, group, keys[i]);
        if (value != NULL)
          tw_service_set_setting (service, keys[i], value);
      }
  }
  tw_service_set_slow_ms (service, slow_ms);
  env_file = get_string (keyfile, group, "EnvFile");
  flags_file = get_string (keyfile, group, "FlagsFile");
  tw_service_set_env_file (service, env_file);
  tw_service_set_flags_file (service, flags_file);
  tw_profile_add_service (self, service);
  return TRUE;
}

static gboolean
load_database (TwProfile   *self,
               GKeyFile    *keyfile,
               const char  *filename,
               const char  *group,
               GError     **error)
{
  static const char * const known[] = { "Path", "BackupDir", "RetentionDays", "ScheduleHours", NULL };
  const char *id = group + strlen (PREFIX_DATABASE);
  g_autofree char *path = get_string (keyfile, group, "Path");
  g_autofree char *backup_dir = get_string (keyfile, group, "BackupDir");
  guint retention_days;
  guint schedule_hours;

  if (!check_id (filename, group, id, error))
    return FALSE;
  if (path == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: [%s] has no “Path”. Add the database file's path."),
                   filename, group);
      return FALSE;
    }
  if (!get_uint (keyfile, filename, group, "RetentionDays", &retention_days, error)
      || !get_uint (keyfile, filename, group, "ScheduleHours", &schedule_hours, error))
    return FALSE;

  debug_unknown_keys (keyfile, filename, group, known);
  tw_profile_add_database (self, id, path, backup_dir, retention_days, schedule_hours);
  return TRUE;
}

static gboolean
load_log (TwProfile   *self,
          GKeyFile    *keyfile,
          const char  *filename,
          const char  *group,
          GError     **error)
{
  const char *id = group + strlen (PREFIX_LOG);
  g_autofree char *path = get_string (keyfile, group, "Path");
  g_auto(GStrv) keys = NULL;

  if (!check_id (filename, group, id, error))
    return FALSE;
  if (path == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: [%s] has no “Path”. Add the log file's path."),
                   filename, group);
      return FALSE;
    }

  /* The other keys are the logs service's to read (Kind=, Pattern=, …). */
  tw_profile_add_log (self, id, path);
  keys = g_key_file_get_keys (keyfile, group, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      if (g_str_equal (keys[i], "Path"))
        continue;
      value = g_key_file_get_string (keyfile, group, keys[i], NULL);
      if (value != NULL)
        tw_profile_set_log_option (self, id, keys[i], value);
    }
  return TRUE;
}

char *
_tw_profile_name_from_filename (const char *filename)
{
  if (g_str_has_suffix (filename, ".conf"))
    return g_strndup (filename, strlen (filename) - strlen (".conf"));
  return g_strdup (filename);
}

/**
 * tw_profile_load_from_data:
 * @data: the file's contents
 * @filename: (nullable): the file's name, for messages (and the profile's name when
 *   the file has no `Name`)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the profile, or %NULL with a %TW_ERROR_INVALID
 *   naming the file, the group and the key
 */
TwProfile *
tw_profile_load_from_data (const char  *data,
                           const char  *filename,
                           GError     **error)
{
  static const char * const known[] = { "Name", "Mode", TW_PROFILE_KEY_HOST_COMMANDS, NULL };
  g_autofree char *basename = NULL;
  g_autoptr(GKeyFile) keyfile = NULL;
  g_autoptr(TwProfile) self = NULL;
  g_auto(GStrv) groups = NULL;
  g_autofree char *name = NULL;
  g_autofree char *mode_str = NULL;
  TwMode mode;

  g_return_val_if_fail (data != NULL, NULL);

  basename = filename != NULL ? g_path_get_basename (filename) : g_strdup ("profile");

  if (strnlen (data, TW_PROFILE_MAX_SIZE + 1) > TW_PROFILE_MAX_SIZE)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_TOO_LARGE,
                   _("%s is larger than %u kB: it is not a profile. Remove it from the "
                     "profiles folder."),
                   basename, TW_PROFILE_MAX_SIZE / 1024);
      return NULL;
    }

  if (!g_utf8_validate (data, -1, NULL))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s is not UTF-8 text. Save it as UTF-8 or create the profile again."),
                   basename);
      return NULL;
    }

  keyfile = g_key_file_new ();
  if (!g_key_file_load_from_data (keyfile, data, -1, G_KEY_FILE_NONE, NULL))
    {
      guint line = find_malformed_line (data);

      if (line > 0)
        g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                     _("%s: line %u is neither a [Group], a Key=Value line nor a # comment. "
                       "Fix or remove that line."),
                     basename, line);
      else
        g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                     _("%s is not a valid profile file (a key file of [Groups] and Key=Value "
                       "lines). Fix it or create the profile again."),
                     basename);
      return NULL;
    }

  /* First, before anything else is read or quoted: no secrets. */
  if (!refuse_secrets (keyfile, basename, error))
    return NULL;

  if (!g_key_file_has_group (keyfile, GROUP_PROFILE))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s has no [Profile] group. Add one with Name= and Mode=paper or Mode=live."),
                   basename);
      return NULL;
    }

  name = get_string (keyfile, GROUP_PROFILE, "Name");
  if (name == NULL)
    name = _tw_profile_name_from_filename (basename);
  if (!tw_profile_name_is_valid (name))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: [Profile] “Name” must be 1 to 64 letters, digits, “-” or “_”. "
                     "Rename the profile."),
                   basename);
      return NULL;
    }

  mode_str = get_string (keyfile, GROUP_PROFILE, "Mode");
  if (mode_str == NULL || !tw_mode_from_string (mode_str, &mode))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: [Profile] “Mode” must be “paper” or “live”. Set Mode=paper or "
                     "Mode=live."),
                   basename);
      return NULL;
    }
  debug_unknown_keys (keyfile, basename, GROUP_PROFILE, known);

  self = tw_profile_new (name, mode);
  if (g_key_file_has_key (keyfile, GROUP_PROFILE, TW_PROFILE_KEY_HOST_COMMANDS, NULL))
    {
      g_autoptr(GError) local_error = NULL;
      gboolean host_commands = g_key_file_get_boolean (keyfile, GROUP_PROFILE,
                                                       TW_PROFILE_KEY_HOST_COMMANDS,
                                                       &local_error);

      if (local_error != NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: [Profile] “%s” must be “true” or “false”."),
                       basename, TW_PROFILE_KEY_HOST_COMMANDS);
          return NULL;
        }
      tw_profile_set_host_commands (self, host_commands);
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *group = groups[i];
      gboolean ok = TRUE;

      if (g_str_equal (group, GROUP_PROFILE))
        continue;
      else if (g_str_equal (group, "Alerts"))
        ok = _tw_profile_load_alerts (self, keyfile, basename, error);
      else if (g_str_has_prefix (group, PREFIX_SERVICE))
        ok = load_service (self, keyfile, basename, group, error);
      else if (g_str_has_prefix (group, PREFIX_DATABASE))
        ok = load_database (self, keyfile, basename, group, error);
      else if (g_str_has_prefix (group, PREFIX_LOG))
        ok = load_log (self, keyfile, basename, group, error);
      else
        g_debug ("%s: ignoring unknown group [%s]", basename, group);

      if (!ok)
        return NULL;
    }

  return g_steal_pointer (&self);
}

/* Saving */

/**
 * tw_profile_to_data:
 *
 * Returns: (transfer full): the profile as key file text (see the top of this file)
 */
char *
tw_profile_to_data (TwProfile *self)
{
  g_autoptr(GKeyFile) keyfile = NULL;
  GPtrArray *databases;
  GPtrArray *logs;
  guint n;

  g_return_val_if_fail (TW_IS_PROFILE (self), NULL);

  keyfile = g_key_file_new ();
  g_key_file_set_string (keyfile, GROUP_PROFILE, "Name", tw_profile_get_name (self));
  g_key_file_set_string (keyfile, GROUP_PROFILE, "Mode", tw_mode_to_string (tw_profile_get_mode (self)));
  if (tw_profile_get_host_commands (self))
    g_key_file_set_boolean (keyfile, GROUP_PROFILE, TW_PROFILE_KEY_HOST_COMMANDS, TRUE);
  g_key_file_set_comment (keyfile, GROUP_PROFILE, NULL,
                          " Trade Warden profile. Secrets are never kept here: they are in the keyring.",
                          NULL);

  n = g_list_model_get_n_items (tw_profile_get_services (self));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (tw_profile_get_services (self), i);
      g_autofree char *group = g_strconcat (PREFIX_SERVICE, tw_service_get_id (service), NULL);
      const char *name = tw_service_get_name (service);

      if (name != NULL && *name != '\0')
        g_key_file_set_string (keyfile, group, "Name", name);
      g_key_file_set_string (keyfile, group, "Connector",
                             tw_service_get_connector_id (service) ?: "");
      g_key_file_set_string (keyfile, group, "BaseUrl",
                             tw_service_get_base_url (service) ?: "");
      if (tw_service_get_slow_ms (service) != TW_SERVICE_DEFAULT_SLOW_MS)
        g_key_file_set_uint64 (keyfile, group, "SlowMs", tw_service_get_slow_ms (service));
      {
        g_autoptr(GPtrArray) settings = tw_service_list_settings (service);

        for (guint j = 0; j < settings->len; j++)
          {
            const char *key = g_ptr_array_index (settings, j);

            g_key_file_set_string (keyfile, group, key, tw_service_get_setting (service, key));
          }
      }
      if (tw_service_get_env_file (service) != NULL)
        g_key_file_set_string (keyfile, group, "EnvFile", tw_service_get_env_file (service));
      if (tw_service_get_flags_file (service) != NULL)
        g_key_file_set_string (keyfile, group, "FlagsFile", tw_service_get_flags_file (service));
    }

  databases = tw_profile_get_databases (self);
  for (guint i = 0; i < databases->len; i++)
    {
      TwDatabaseConfig *db = g_ptr_array_index (databases, i);
      g_autofree char *group = g_strconcat (PREFIX_DATABASE, db->id, NULL);

      g_key_file_set_string (keyfile, group, "Path", db->path);
      if (db->backup_dir != NULL)
        g_key_file_set_string (keyfile, group, "BackupDir", db->backup_dir);
      g_key_file_set_uint64 (keyfile, group, "RetentionDays", db->retention_days);
      g_key_file_set_uint64 (keyfile, group, "ScheduleHours", db->schedule_hours);
    }

  logs = tw_profile_get_logs (self);
  for (guint i = 0; i < logs->len; i++)
    {
      TwLogConfig *log = g_ptr_array_index (logs, i);
      g_autofree char *group = g_strconcat (PREFIX_LOG, log->id, NULL);

      g_autofree gpointer *keys = NULL;
      guint n_keys = 0;

      g_key_file_set_string (keyfile, group, "Path", log->path);
      /* In the order of their names: a profile saved twice is the same file. */
      keys = g_hash_table_get_keys_as_array (log->options, &n_keys);
      qsort (keys, n_keys, sizeof (gpointer), compare_option_names);
      for (guint k = 0; k < n_keys; k++)
        g_key_file_set_string (keyfile, group, keys[k], g_hash_table_lookup (log->options, keys[k]));
    }
  _tw_profile_save_alerts (self, keyfile);

  return g_key_file_to_data (keyfile, NULL, NULL);
}
