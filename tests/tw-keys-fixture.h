/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/stat.h>

#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-keys.h"
#include "tw-test-util.h"

G_BEGIN_DECLS

/* The key rotation tests' fixture (test-keys.c, test-keys-revoke.c): the simulator's
 * InvestIQ with a key set of its own, a profile on it with its key in the test session's
 * real keyring, a workspace, the audit log, TwKeys, and the service's .env file in a
 * directory outside the test's home. */
#define SERVICE "investiq"

typedef struct
{
  TwSimThread         *sim;
  TwConnectorRegistry *registry;
  TwSecrets           *secrets;
  TwHttp              *http;
  TwProfile           *profile;
  TwWorkspace         *workspace;
  TwAuditLog          *audit;
  TwKeys              *keys;
  char                *profile_name;
  char                *state_path;
  char                *old_key;
  char                *server_dir;   /* outside the test's home: the service's own files */
  char                *env_path;
  char                *env_original;
  char                *output;
} Fixture;

gboolean in_session               (void);
char    *random_key               (const char *prefix);
void     put_sim_keys             (Fixture *f,
                                   const char *json);
void     set_sim_api_keys         (Fixture *f,
                                   const char *a,
                                   const char *b);
guint    status_with_key          (Fixture *f,
                                   const char *key);
char    *keyring                  (Fixture *f,
                                   const char *name);
void     open_keys                (Fixture *f);
void     restart_console          (Fixture *f);
void     fixture_setup            (Fixture *f,
                                   gconstpointer data);
void     fixture_teardown         (Fixture *f,
                                   gconstpointer data);
char    *read_file                (const char *path);
guint    file_mode                (const char *path);
char    *env_with                 (Fixture *f,
                                   const char *api_keys);
guint    count_files_containing   (const char *dir,
                                   const char *needle);
void     assert_no_key_on_disk    (const char *key);
guint    audit_rows_checked       (Fixture *f,
                                   const char *key1,
                                   const char *key2);
void     set_managed              (Fixture *f,
                                   const char * const *argv,
                                   guint timeout_s);
void     start_managed_sim        (Fixture *f);

G_END_DECLS
