/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The profile a verb works on: a saved one (--profile NAME, else the one the console last
 * had open), or the demo (--demo: the built-in simulator started in this process). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tw-cli-private.h"
#include "tw-demo.h"
#include "tw-error.h"

#define SCHEMA_ID "io.github.tradewarden.TradeWarden"

/* The profile the console had open when it last quit, or NULL. */
static char *
last_profile (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *name = NULL;

  /* Without the installed schema (a build tree), g_settings_new() would abort. */
  if (source == NULL || (schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE)) == NULL)
    return NULL;
  settings = g_settings_new (SCHEMA_ID);
  name = g_settings_get_string (settings, "last-profile");
  return *name != '\0' ? g_steal_pointer (&name) : NULL;
}

static TwProfile *
load_saved_profile (const char  *name,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  TwProfile *profile = tw_profile_load_by_name (name, &local_error);

  if (profile == NULL && g_error_matches (local_error, TW_ERROR, TW_ERROR_NOT_FOUND))
    g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND,
                 "no saved profile “%s” (%s); name a saved profile with --profile NAME, or "
                 "use --demo", name, local_error->message);
  else if (profile == NULL)
    g_set_error (error, TW_ERROR, TW_ERROR_INVALID, "the profile “%s” could not be read: %s",
                 name, local_error->message);
  return profile;
}

int
_tw_cli_open (TwCliOpen   *open,
              const char  *name,
              gboolean     demo,
              gboolean     json)
{
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(TwConnectorRegistry) registry = NULL;
  g_autoptr(TwHttp) http = NULL;
  g_autoptr(TwSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last = NULL;

  memset (open, 0, sizeof *open);

  if (demo && name != NULL)
    return _tw_cli_usage ("--demo and --profile exclude each other: the demo is its own profile");

  if (demo)
    {
      open->sim = tw_sim_thread_start (0, &error);
      if (open->sim == NULL)
        return _tw_cli_fail (json, error);
      secrets = tw_secrets_new_memory ();
      profile = tw_demo_profile_new (open->sim, secrets, &error);
    }
  else
    {
      if (name == NULL)
        name = last = last_profile ();
      if (name == NULL)
        return _tw_cli_usage ("no profile: name one with --profile NAME (a saved profile), "
                              "or use --demo for the built-in simulator");
      /* A name is a file name in the profiles folder: never a path (the core's one check). */
      if (!tw_profile_check_name (name, &error))
        return _tw_cli_usage ("--profile: %s", error->message);
      profile = load_saved_profile (name, &error);
      /* Looked up only when a request is sent. */
      secrets = tw_secrets_new_keyring ();
    }
  if (profile == NULL)
    {
      int status = _tw_cli_fail (json, error);

      _tw_cli_close (open);
      return status;
    }

  registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (registry);
  http = tw_http_new ();
  open->session = tw_session_new (profile, registry, http, secrets, demo);
  return TW_CLI_EXIT_OK;
}

static void
session_closed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *closed = user_data;

  tw_session_close_finish (TW_SESSION (object), result, NULL);
  *closed = TRUE;
}

void
_tw_cli_close (TwCliOpen *open)
{
  if (open->session != NULL)
    {
      gboolean closed = FALSE;

      tw_session_close_async (open->session, NULL, session_closed_cb, &closed);
      while (!closed)
        g_main_context_iteration (NULL, TRUE);
      g_clear_object (&open->session);
    }
  g_clear_pointer (&open->sim, tw_sim_thread_stop);
}

static void
polled_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  tw_session_poll_once_finish (TW_SESSION (object), result, NULL);
  *done = TRUE;
}

void
_tw_cli_poll_once (TwSession *session)
{
  gboolean done = FALSE;

  tw_session_poll_once_async (session, polled_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}
