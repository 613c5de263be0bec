/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tw-connector.h"
#include "tw-service.h"

G_BEGIN_DECLS

/* A system with no API (a bot run by cron, say) is operated through local commands and
 * files: a connector of "kind": "commands", whose operations are "steps" — commands as
 * argv arrays (never a shell line), with a timeout and their output captured, and files
 * looked at — that build a JSON document the operation's usual rules ("health",
 * "components", "trading", "map") read as they read an answer. TwClient runs them in
 * place of a request, so Halt All, the command line, the risk monitor and the alerts
 * treat such a service like any other.
 *
 * The profile's service group says where the system is: BaseUrl=file:///its/folder
 * (the ${dir} of the steps) and the connector's "settings" (Pattern=…, DataFile=…), plus
 * keys the console itself reads:
 *   AllowHost=true    inside the Flatpak sandbox, run the commands on the host through
 *                     flatpak-spawn --host (as the profile's HostCommands=true does for
 *                     all its services); =false runs them inside the sandbox (the
 *                     demo's stand-ins live there); unset, the profile decides
 *   CommandPath=DIRS  folders searched first for the commands (a test's fakes)
 *   SaveDir=DIR       where saved copies go (default $XDG_DATA_HOME/tradewarden/saved) */

#define TW_COMMAND_DEFAULT_TIMEOUT_MS 10000
/* Output past this is cut (a crontab is a few hundred bytes). */
#define TW_COMMAND_MAX_OUTPUT (1024 * 1024)

/* A profile key a commands connector reads, e.g. { "Pattern", "live_trading.py" }. */
typedef struct
{
  char *name;
  char *fallback;   /* a template (${dir}), nullable: required */
} TwCommandSetting;

/* Whether the connector's operations are commands rather than requests. */
gboolean    tw_connector_is_commands     (TwConnector         *self);
/* (transfer none) (element-type TwCommandSetting) */
GPtrArray  *tw_connector_get_settings    (TwConnector         *self);

/* One command. */
typedef struct
{
  const char * const *argv;
  const char         *input;        /* nullable: written to its standard input */
  const char         *path_prefix;  /* nullable: folders searched first */
  gboolean            on_host;      /* through flatpak-spawn --host */
  guint               timeout_ms;   /* 0: TW_COMMAND_DEFAULT_TIMEOUT_MS */
} TwCommandSpec;

typedef struct
{
  int   exit_status;
  char *out;    /* valid UTF-8 */
  char *err;    /* valid UTF-8 */
} TwCommandOutput;

void             tw_command_output_free  (TwCommandOutput     *output);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwCommandOutput, tw_command_output_free)

/* Runs @spec (copied). Fails (TW_ERROR_NOT_FOUND) when the program is missing,
 * TW_ERROR_TIMEOUT when it ran past its timeout (it is killed), TW_ERROR_FAILED when a
 * signal ended it; any exit status is an output. */
void             tw_command_run_async    (const TwCommandSpec *spec,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
TwCommandOutput *tw_command_run_finish   (GAsyncResult        *result,
                                          GError             **error);

/* Runs the "steps" of @op, a commands connector's operation, for @service of profile
 * @profile_name; @vars (nullable) are the call's own variables (reason, actor).
 * Finish: (transfer full) the document, or NULL with @error (a step that failed: the
 * message names it and what it saw); @run_us how long the steps ran once their turn came
 * (one operation at a time per service). */
void             tw_command_operation_run_async  (const TwOperation   *op,
                                                  TwService           *service,
                                                  const char          *profile_name,
                                                  GHashTable          *vars,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
JsonNode        *tw_command_operation_run_finish (GAsyncResult        *result,
                                                  gint64              *run_us,
                                                  GError             **error);

/* Where the saved copies of @service of @profile_name go: its "SaveDir", else
 * $XDG_DATA_HOME/tradewarden/saved/PROFILE/SERVICE. (transfer full) */
char            *tw_command_dup_save_dir  (TwService           *service,
                                           const char          *profile_name);

G_END_DECLS
