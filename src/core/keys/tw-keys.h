/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-audit-log.h"
#include "tw-guard.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* Key rotation for the services of one profile (owned by TwSession).
 *
 * Each rotation is a state machine per secret of a service, kept in the profile's state
 * file ($XDG_STATE_HOME/tradewarden/keys/PROFILE.json: steps and times, never a key) so it
 * resumes after a restart; the keys themselves are in the keyring only, under the
 * secret's name (current: what the console uses), NAME.pending and NAME.previous.
 *
 *   PREPARED  the new key is in the keyring as pending; the server is unchanged
 *   ADDED     the server accepts the old and the new key (API_KEYS=OLD,NEW)
 *   PROVEN    the new key answered the connector's proof ("rotation": "prove")
 *   GRACE     promoted: the console uses the new key; the old one stays as previous
 *             until the grace period is over (default 24 h)
 *   REMOVED   the server accepts the new key alone
 *   DONE      the old key was proven refused (401/403), then deleted from the keyring
 *
 * The server side is guided (the console shows the step and waits for the operator's
 * word) or managed (the console edits the service's .env file and runs its restart
 * command). Every step is audited as "keys.rotate" (requested, then its outcome), naming
 * keys by their last four characters at most. */
typedef enum
{
  TW_KEY_STEP_NONE,
  TW_KEY_STEP_PREPARED,
  TW_KEY_STEP_ADDED,
  TW_KEY_STEP_PROVEN,
  TW_KEY_STEP_GRACE,
  TW_KEY_STEP_REMOVED,
  TW_KEY_STEP_DONE,
} TwKeyStep;

typedef enum
{
  TW_KEY_SERVER_GUIDED,
  TW_KEY_SERVER_MANAGED,
} TwKeyServerMode;

#define TW_KEYS_DEFAULT_GRACE_S        (24 * 3600)
#define TW_KEYS_DEFAULT_RESTART_TIMEOUT_S 60

/* One rotation, as the UI reads it (a snapshot: copied out, freed by the caller). */
typedef struct
{
  char      *service_id;
  char      *secret;          /* the secret's name, e.g. "api_key" */
  TwKeyStep  step;
  gint64     started_us;      /* wall clock */
  gint64     grace_until_us;  /* GRACE and later: when the old key may go */
  char      *new_tail;        /* masked: "••••a1b2" */
  char      *old_tail;
  char      *problem;         /* nullable: why the last step did not go through */
  gboolean   still_accepted;  /* the retired key was still accepted: say so loudly */
} TwKeyRotationInfo;

void                tw_key_rotation_info_free (TwKeyRotationInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwKeyRotationInfo, tw_key_rotation_info_free)
const char         *tw_key_step_to_string     (TwKeyStep step);

#define TW_TYPE_KEYS (tw_keys_get_type ())
G_DECLARE_FINAL_TYPE (TwKeys, tw_keys, TW, KEYS, GObject)

/* @audit_log nullable (then nothing may run: every step answers an error saying why);
 * @state_path nullable: rotations are kept in memory only (the demo). */
TwKeys     *tw_keys_new                 (TwWorkspace        *workspace,
                                         TwAuditLog         *audit_log,
                                         const char         *state_path);
/* Reminds of grace periods that end ("grace-over"), after tw_keys_load(). */
void        tw_keys_start               (TwKeys             *self);
/* $XDG_STATE_HOME/tradewarden/keys/PROFILE.json (transfer full) */
char       *tw_keys_default_state_path  (const char         *profile);
/* Reads the state file; FALSE with @error when it is unreadable (nothing is lost: the
 * file is left as it is and no rotation can start until it is fixed). */
gboolean    tw_keys_load                (TwKeys             *self,
                                         GError            **error);

/* How the server side of @service_id is changed. Managed: the .env file's path and the
 * restart command (argv, no shell) with its timeout in seconds. Kept in the state file. */
gboolean    tw_keys_set_server          (TwKeys             *self,
                                         const char         *service_id,
                                         TwKeyServerMode     mode,
                                         const char         *env_file,
                                         const char * const *restart_argv,
                                         guint               timeout_s,
                                         GError            **error);
TwKeyServerMode tw_keys_get_server_mode (TwKeys             *self,
                                         const char         *service_id);
/* The managed settings of @service_id as set (each out nullable; NULL when unset). */
void        tw_keys_dup_server          (TwKeys             *self,
                                         const char         *service_id,
                                         char              **env_file,
                                         char             ***restart_argv,
                                         guint              *timeout_s);
const char *tw_keys_get_profile_name    (TwKeys             *self);
TwMode      tw_keys_get_mode            (TwKeys             *self);
void        tw_keys_set_grace           (TwKeys             *self,
                                         guint               seconds);
guint       tw_keys_get_grace           (TwKeys             *self);

/* (nullable) (transfer full) the rotation of @secret of @service_id, if one is open or
 * just finished. */
TwKeyRotationInfo *tw_keys_get_rotation (TwKeys             *self,
                                         const char         *service_id,
                                         const char         *secret);
/* (transfer full) (element-type TwKeyRotationInfo) every open rotation */
GPtrArray  *tw_keys_list_rotations      (TwKeys             *self);
/* Whether @secret of @service_id can be rotated with an overlap (the connector's
 * "rotation" and a list variable); FALSE with @error saying why not. */
gboolean    tw_keys_can_rotate          (TwKeys             *self,
                                         const char         *service_id,
                                         const char         *secret,
                                         GError            **error);

/* Key hygiene: a stored key older than this is to be rotated (CIS benchmark). */
#define TW_KEYS_MAX_AGE_DAYS 90
/* When each key of the profile's services was stored (the keyring's own time), read in a
 * worker: finish gives "SERVICE/SECRET" → gint64 seconds since the epoch (0: unknown). */
void        tw_keys_list_ages_async     (TwKeys             *self,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
GHashTable *tw_keys_list_ages_finish    (TwKeys             *self,
                                         GAsyncResult       *result,
                                         GError            **error);

/* The guided server step of the rotation's current step, for the operator: the .env line
 * and the restart as the runbook gives them. @reveal FALSE: keys masked (for the
 * screen); TRUE: the real text (for Copy only). NULL when there is no server step now. */
char       *tw_keys_dup_server_step     (TwKeys             *self,
                                         const char         *service_id,
                                         const char         *secret,
                                         gboolean            reveal,
                                         GError            **error);

/* Step 1: a new key (generated from /dev/urandom as the connector declares, or @pasted)
 * stored as pending. @request: the guard's "keys.rotate" request for "SERVICE/SECRET"
 * (a reason; the profile's name typed in a live profile); refused (TW_ERROR_REFUSED,
 * audited) when it does not pass tw_guard_request_check(). */
void        tw_keys_prepare_async       (TwKeys             *self,
                                         const char         *service_id,
                                         const char         *secret,
                                         const char         *pasted,
                                         TwGuardRequest     *request,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
/* Every later step: does the one after the rotation's current step (ADDED, PROVEN,
 * GRACE, REMOVED, DONE). A guided server step counts as the operator's word that it is
 * done. On failure the rotation stays where it was, with the old key in use, and
 * @error (and the info's problem) says why; @output gets a restart command's output. */
void        tw_keys_advance_async       (TwKeys             *self,
                                         const char         *service_id,
                                         const char         *secret,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
/* Cancel: everything put back (the server's file as it was before, the old key current,
 * the new one deleted). Not after REMOVED (the server refuses the old key by then). */
void        tw_keys_cancel_async        (TwKeys             *self,
                                         const char         *service_id,
                                         const char         *secret,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
/* A new value of @secret as the connector's "rotation" declares it (32 random bytes of
 * /dev/urandom as hex for InvestIQ's keys), for a swap's form; never logged or copied.
 * (transfer full) */
char       *tw_keys_generate_key        (TwKeys             *self,
                                         const char         *service_id,
                                         const char         *secret,
                                         GError            **error);

/* What proving @secret of @service_id sends, for the operator to read before it is sent:
 * the method, the URL and what each answer must be ("proof": "gate": three calls, without
 * the key, with the new, with the old). NULL when the connector names no proof.
 * (transfer full) */
char       *tw_keys_describe_proof      (TwKeys             *self,
                                         const char         *service_id,
                                         const char         *secret);

/* Finishes the three; returns the step reached, or on failure the step the rotation
 * stays at (TW_KEY_STEP_NONE when there is none). */
TwKeyStep   tw_keys_step_finish         (TwKeys             *self,
                                         GAsyncResult       *result,
                                         char              **output,
                                         GError            **error);

G_END_DECLS
