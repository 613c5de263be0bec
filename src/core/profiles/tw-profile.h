/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-connector-registry.h"
#include "tw-enums.h"
#include "tw-service.h"
#include "tw-secrets.h"

G_BEGIN_DECLS

/* A profile file is refused past this size (it is a few hundred bytes). */
#define TW_PROFILE_MAX_SIZE (1024 * 1024)

/* A local SQLite database the profile looks after (backups: a later issue). */
typedef struct
{
  char  *id;
  char  *path;
  char  *backup_dir;
  guint  retention_days;   /* 0: keep all */
  guint  schedule_hours;   /* 0: no schedule */
} TwDatabaseConfig;

/* A log source the profile shows: [Log ID] with Path= and the source's other keys
 * (Kind=, Pattern=, LevelField=…, read by the logs service), in @options (utf8 → utf8). */
typedef struct
{
  char       *id;
  char       *path;
  GHashTable *options;
} TwLogConfig;

/* A named environment: paper or live, its services, databases and logs.
 * Stored as a GKeyFile in $XDG_CONFIG_HOME/tradewarden/profiles/NAME.conf.
 * Never holds a secret: those are in TwSecrets under (profile name, service id, name).
 * Properties: "name" (string), "mode" (TwMode), "services" (GListModel of TwService). */
#define TW_TYPE_PROFILE (tw_profile_get_type ())
G_DECLARE_FINAL_TYPE (TwProfile, tw_profile, TW, PROFILE, GObject)

TwProfile   *tw_profile_new              (const char   *name,
                                          TwMode        mode);
/* Refuses a file holding a secret, naming the group and key and saying to move it to
 * the keyring; refuses unknown modes, services without connector or base URL, bad URLs;
 * a symbolic link, a file not the user's or writable by group or others, one over
 * TW_PROFILE_MAX_SIZE. The profile's name (and so the keys it uses) is the file's name,
 * NAME.conf, whatever the file's Name= says. */
TwProfile   *tw_profile_load             (GFile        *file,
                                          GError      **error);
/* NAME.conf of tw_profile_get_dir(), @name checked by tw_profile_check_name(): how the
 * menu, --profile, D-Bus and the command line open a profile. */
TwProfile   *tw_profile_load_by_name     (const char   *name,
                                          GError      **error);
/* Data without a file: its name is its Name=, else @filename's NAME. */
TwProfile   *tw_profile_load_from_data   (const char   *data,
                                          const char   *filename,
                                          GError      **error);
/* Atomic write (g_file_set_contents): to @file, or to tw_profile_default_file() if NULL. */
gboolean     tw_profile_save             (TwProfile    *self,
                                          GFile        *file,
                                          GError      **error);
char        *tw_profile_to_data          (TwProfile    *self);

const char  *tw_profile_get_name         (TwProfile    *self);
void         tw_profile_set_name         (TwProfile    *self,
                                          const char   *name);
TwMode       tw_profile_get_mode         (TwProfile    *self);
void         tw_profile_set_mode         (TwProfile    *self,
                                          TwMode        mode);
/* [Profile] HostCommands (TW_PROFILE_KEY_HOST_COMMANDS): inside the Flatpak sandbox,
 * its commands may run on the host through flatpak-spawn --host. Set on its services
 * too (tw_service_get_host_commands()). */
gboolean     tw_profile_get_host_commands (TwProfile   *self);
void         tw_profile_set_host_commands (TwProfile   *self,
                                           gboolean     allowed);
/* (transfer none) GListModel of TwService */
GListModel  *tw_profile_get_services     (TwProfile    *self);
TwService   *tw_profile_lookup_service   (TwProfile    *self,
                                          const char   *id);
/* The name of service @id for messages: its display name, or @id itself when the
 * profile has no such service. (transfer none) */
const char  *tw_profile_get_service_name (TwProfile    *self,
                                          const char   *id);
void         tw_profile_add_service      (TwProfile    *self,
                                          TwService    *service);
gboolean     tw_profile_remove_service   (TwProfile    *self,
                                          const char   *id);
/* (transfer none) (element-type TwDatabaseConfig) */
GPtrArray   *tw_profile_get_databases    (TwProfile    *self);
void         tw_profile_add_database     (TwProfile    *self,
                                          const char   *id,
                                          const char   *path,
                                          const char   *backup_dir,
                                          guint         retention_days,
                                          guint         schedule_hours);
/* (transfer none) (element-type TwLogConfig) */
GPtrArray   *tw_profile_get_logs         (TwProfile    *self);
void         tw_profile_add_log          (TwProfile    *self,
                                          const char   *id,
                                          const char   *path);
/* Sets (or with a NULL @value removes) key @key of log @id's group. */
void         tw_profile_set_log_option   (TwProfile    *self,
                                          const char   *id,
                                          const char   *key,
                                          const char   *value);

/* The [Alerts] group (tw-profile-alerts.c): the Alertmanager webhook receiver. */
typedef struct
{
  char     *webhook_address; /* NULL: 127.0.0.1 */
  guint     webhook_port;    /* 0: no receiver */
  gboolean  allow_remote;    /* another address than loopback (needs a bearer token) */
} TwAlertsConfig;
/* Never NULL (transfer none) */
const TwAlertsConfig *tw_profile_get_alerts_config (TwProfile  *self);
void         tw_profile_set_alerts_config (TwProfile  *self,
                                           const char *webhook_address,
                                           guint       webhook_port,
                                           gboolean    allow_remote);
/* $XDG_CONFIG_HOME/tradewarden/profiles */
char        *tw_profile_get_dir          (void);
/* (transfer full) NAME.conf in tw_profile_get_dir(): where tw_profile_save (self, NULL) writes. */
GFile       *tw_profile_default_file     (TwProfile    *self);
/* (transfer full) (element-type TwProfile) all readable profiles, sorted by name; files
 * that were refused are reported in @problems (element-type utf8), if given. */
GPtrArray   *tw_profile_list_all         (GPtrArray   **problems);
gboolean     tw_profile_name_is_valid    (const char   *name);
/* tw_profile_name_is_valid() with a TW_ERROR_INVALID for a person: the one check of a
 * name that comes from outside (no "/", no "..", no leading dot). */
gboolean     tw_profile_check_name       (const char   *name,
                                          GError      **error);

/* Imports a runbook .env into a new profile named @name: a service for each connector of
 * @registry the file names (its "env" keys: base URL, mode and secret variables), paper or
 * live from the hosts and mode variables, secrets stored in @secrets, nothing secret in the
 * returned profile. The caller saves it. */
TwProfile   *tw_profile_import_env       (const char          *env_contents,
                                          const char          *name,
                                          TwConnectorRegistry *registry,
                                          TwSecrets           *secrets,
                                          GError             **error);

G_END_DECLS
