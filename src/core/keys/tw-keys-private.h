/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-keys.h"
#include "tw-connector.h"
#include "tw-profile.h"

G_BEGIN_DECLS

/* One rotation; guarded by TwKeys' lock. */
typedef struct
{
  char      *service_id;
  char      *secret;
  TwKeyStep  step;
  gint64     started_us;
  gint64     grace_until_us;
  char      *new_tail;
  char      *old_tail;
  char      *problem;
  gboolean   still_accepted;
  gboolean   busy;        /* a step runs: no other may start */
  GPtrArray *backups;     /* (element-type utf8) .env backups this rotation made */
} TwKeyRotation;

typedef struct
{
  TwKeyServerMode  mode;
  char            *env_file;
  char           **argv;
  guint            timeout_s;
} TwKeyServer;

struct _TwKeys
{
  GObject      parent_instance;

  TwWorkspace *workspace;
  TwAuditLog  *audit_log;   /* nullable */
  char        *state_path;  /* nullable: memory only */
  char        *profile;
  TwMode       mode;
  guint        grace_s;
  gboolean     load_failed; /* the state file could not be read: nothing may start */

  GMutex       lock;
  GHashTable  *rotations;   /* "service\nsecret" → TwKeyRotation */
  GHashTable  *servers;     /* service id → TwKeyServer */

  guint        grace_timer;
};

/* What a step in the worker needs, copied from the main thread. */
typedef struct
{
  TwKeys            *keys;        /* (owned) */
  char              *service_id;
  char              *secret;
  char              *pasted;      /* nullable, wiped when freed */
  char              *reason;      /* the guard's reason (prepare) */
  TwConnector       *connector;   /* (owned) */
  TwService         *service;     /* (owned) */
  TwSecrets         *secrets;     /* (owned) */
  const TwSecretSpec *spec;       /* owned by connector */
  TwKeyServer        server;      /* a copy */
  char              *output;      /* a restart command's output */
  gboolean           promoted;    /* the console's clients must look the key up again */
  gboolean           cancel;
  const char        *action;      /* audited as; NULL: keys.rotate */
  gboolean           server_done; /* revoke, guided: the operator removed it on the server */
  GHashTable        *values;      /* swap: secret name → new value (wiped when freed) */
} TwKeyJob;

TwKeyRotation *_tw_keys_lookup_locked   (TwKeys        *self,
                                         const char    *service_id,
                                         const char    *secret);
TwKeyRotation *_tw_keys_insert_locked   (TwKeys        *self,
                                         const char    *service_id,
                                         const char    *secret);
void           _tw_keys_remove_locked   (TwKeys        *self,
                                         const char    *service_id,
                                         const char    *secret);
/* Writes the state file (atomic, 0600). Called with the lock held. */
gboolean       _tw_keys_save_locked     (TwKeys        *self,
                                         GError       **error);
char          *_tw_keys_secret_name     (const char    *secret,
                                         const char    *slot);
const TwEnvVariable *_tw_keys_list_variable (const TwSecretSpec *spec);
char          *_tw_keys_join_restart    (char         **argv);

/* The connector's proof with @key alone: TRUE accepted; FALSE with @status 401/403
 * refused; FALSE with @error when no answer tells. */
gboolean       _tw_keys_prove           (TwKeyJob      *job,
                                         const char    *key,
                                         guint         *status,
                                         GError       **error);
/* Managed server side: the list variable edited (@add, @remove nullable), the restart
 * run; the file put back on failure. */
gboolean       _tw_keys_managed_edit    (TwKeyJob      *job,
                                         const char    *add,
                                         const char    *remove,
                                         GError       **error);
/* tw-keys.c: a step in a worker thread, finished by tw_keys_step_finish(). */
typedef TwKeyStep (*TwKeyStepFunc) (TwKeyJob *job, GError **error);
void           _tw_keys_start_step      (TwKeys              *self,
                                         const char          *service_id,
                                         const char          *secret,
                                         const char          *pasted,
                                         const char          *reason,
                                         const char          *action,
                                         gboolean             server_done,
                                         GHashTable          *values,
                                         TwKeyStepFunc        func,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* @bytes from /dev/urandom, "hex" or "base64url" (transfer full; wipe it). */
char          *_tw_keys_generate        (guint          bytes,
                                         const char    *encoding,
                                         GError       **error);
/* Runs the managed restart command (its output in job->output). */
gboolean       _tw_keys_can_restart     (TwKeyJob      *job,
                                         GError       **error);
gboolean       _tw_keys_run_restart     (TwKeyJob      *job,
                                         GError       **error);

/* tw-keys-swap.c */
TwKeyStep      _tw_keys_run_swap        (TwKeyJob      *job,
                                         GError       **error);
/* tw-keys-revoke.c */
TwKeyStep      _tw_keys_run_revoke      (TwKeyJob      *job,
                                         GError       **error);
/* tw-keys-steps.c: run in a worker thread; FALSE with @error leaves the rotation where
 * it was. Return the step reached. */
TwKeyStep      _tw_keys_run_prepare     (TwKeyJob      *job,
                                         GError       **error);
TwKeyStep      _tw_keys_run_advance     (TwKeyJob      *job,
                                         GError       **error);
TwKeyStep      _tw_keys_run_cancel      (TwKeyJob      *job,
                                         GError       **error);

G_END_DECLS
