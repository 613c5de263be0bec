/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "tw-audit-private.h"
#include "tw-util.h"
#include "tw-error.h"

/* The keyed chain's two secrets, kept by TwSecrets (the keyring) per log, under the
 * attributes profile "@audit" (no profile can be named so), service "key" or "head",
 * name the log's canonical path:
 *
 *   key   64 hex digits: the 32-byte HMAC-SHA-256 key, made on first use;
 *   head  "tw-audit-head-1 KEYED_FROM ROW MAC BROKEN_AT BROKEN_LAST BROKEN_HEAD": the
 *         first keyed row, the newest row written and its MAC, and, once the console
 *         found the log shorter than the head (or its anchored row changed) when it
 *         appended, the row it was appending then, the log's last row and the head's
 *         row at that moment (0 0 0 otherwise) — kept for good, so that finding is
 *         never forgotten.
 *
 * Whoever can edit the log's files but cannot read the keyring can neither compute a
 * row's MAC nor move the head: a rewritten, truncated or deleted log shows. */

#define AUDIT_PROFILE "@audit"
#define HEAD_MAGIC    "tw-audit-head-1"

char *
_tw_audit_secret_name (const char *log_path)
{
  g_autofree char *absolute = g_canonicalize_filename (log_path, NULL);
  g_autofree char *dir = g_path_get_dirname (absolute);
  g_autofree char *base = g_path_get_basename (absolute);
  g_autofree char *real_dir = realpath (dir, NULL);

  /* The folder resolved (it exists once the log is open): one log, one name, however
   * it is reached. */
  if (real_dir != NULL)
    return g_build_filename (real_dir, base, NULL);
  return g_steal_pointer (&absolute);
}

typedef char TwWipedString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwWipedString, tw_str_wipe_free)

static gboolean
hex_to_key (const char *hex,
            guint8      key[TW_AUDIT_KEY_SIZE])
{
  if (hex == NULL || strlen (hex) != 2 * TW_AUDIT_KEY_SIZE)
    return FALSE;
  for (guint i = 0; i < TW_AUDIT_KEY_SIZE; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      key[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

static gboolean
random_key (guint8   key[TW_AUDIT_KEY_SIZE],
            GError **error)
{
  gsize done = 0;

  while (done < TW_AUDIT_KEY_SIZE)
    {
      gssize n = getrandom (key + done, TW_AUDIT_KEY_SIZE - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                       _("Could not make the audit log's key: the system gave no random "
                         "bytes (%s)"), g_strerror (saved));
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

/* Deadlines ------------------------------------------------------------------ */

/* libsecret's blocking calls wait as long as the Secret Service does: a keyring showing
 * an unlock prompt that nobody sees, or a bus that accepts but never answers, waits
 * forever. A deadline cancels the calls' GCancellable from a thread of its own. */
struct _TwAuditDeadline
{
  GCancellable *cancellable;
  GMutex        lock;
  GCond         cond;
  gboolean      stopped;
  gboolean      expired;
  gint64        end_us;
  guint         timeout_ms;
  GThread      *thread;
};

static gpointer
deadline_thread (gpointer data)
{
  TwAuditDeadline *deadline = data;

  g_mutex_lock (&deadline->lock);
  while (!deadline->stopped)
    if (!g_cond_wait_until (&deadline->cond, &deadline->lock, deadline->end_us))
      {
        deadline->expired = !deadline->stopped;
        break;
      }
  g_mutex_unlock (&deadline->lock);
  if (deadline->expired)
    g_cancellable_cancel (deadline->cancellable);
  return NULL;
}

guint
_tw_audit_keyring_timeout_ms (void)
{
  static gsize timeout_ms = 0;

  if (g_once_init_enter (&timeout_ms))
    {
      const char *text = g_getenv ("TW_AUDIT_KEYRING_TIMEOUT_MS");
      guint64 value = 1000;

      if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 100, 600000, &value, NULL))
        value = 1000;
      g_once_init_leave (&timeout_ms, (gsize) value);
    }
  return (guint) timeout_ms;
}

TwAuditDeadline *
_tw_audit_deadline_new (guint timeout_ms)
{
  TwAuditDeadline *deadline = g_new0 (TwAuditDeadline, 1);

  deadline->cancellable = g_cancellable_new ();
  g_mutex_init (&deadline->lock);
  g_cond_init (&deadline->cond);
  deadline->timeout_ms = timeout_ms;
  deadline->end_us = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  deadline->thread = g_thread_new ("tw-audit-deadline", deadline_thread, deadline);
  return deadline;
}

GCancellable *
_tw_audit_deadline_get_cancellable (TwAuditDeadline *deadline)
{
  return deadline->cancellable;
}

void
_tw_audit_deadline_free (TwAuditDeadline  *deadline,
                         GError          **error)
{
  gboolean expired;

  g_mutex_lock (&deadline->lock);
  deadline->stopped = TRUE;
  g_cond_signal (&deadline->cond);
  g_mutex_unlock (&deadline->lock);
  g_thread_join (deadline->thread);
  expired = deadline->expired;

  if (expired && error != NULL && *error != NULL
      && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      g_set_error (error, TW_ERROR, TW_ERROR_SECRET,
                   _("the keyring did not answer within %u ms (locked and waiting for an "
                     "unlock prompt, or not responding)"), deadline->timeout_ms);
    }
  g_object_unref (deadline->cancellable);
  g_mutex_clear (&deadline->lock);
  g_cond_clear (&deadline->cond);
  g_free (deadline);
}

/* Key and head ------------------------------------------------------------------ */

gboolean
_tw_audit_key_load (TwSecrets     *secrets,
                    const char    *name,
                    gboolean       create,
                    guint8         key[TW_AUDIT_KEY_SIZE],
                    gboolean      *found,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(TwWipedString) hex = NULL;
  GString *made;

  *found = FALSE;
  hex = tw_secrets_lookup_sync (secrets, AUDIT_PROFILE, "key", name, cancellable, error);
  if (hex == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (hex != NULL)
    {
      if (!hex_to_key (hex, key))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_SECRET,
                       _("The keyring's key for the audit log “%s” is not one Trade Warden "
                         "made: the log cannot be verified or written"), name);
          return FALSE;
        }
      *found = TRUE;
      return TRUE;
    }
  if (!create)
    return TRUE;

  if (!random_key (key, error))
    return FALSE;
  made = g_string_sized_new (2 * TW_AUDIT_KEY_SIZE + 1);
  for (guint i = 0; i < TW_AUDIT_KEY_SIZE; i++)
    g_string_append_printf (made, "%02x", key[i]);
  hex = g_string_free (made, FALSE);
  if (!tw_secrets_store_sync (secrets, AUDIT_PROFILE, "key", name, hex, cancellable, error))
    {
      explicit_bzero (key, TW_AUDIT_KEY_SIZE);
      return FALSE;
    }
  *found = TRUE;
  return TRUE;
}

static gboolean
parse_int (const char *text,
           gint64     *out)
{
  char *end = NULL;

  errno = 0;
  *out = g_ascii_strtoll (text, &end, 10);
  return errno == 0 && end != text && *end == '\0' && *out >= 0;
}

gboolean
_tw_audit_head_read (TwSecrets     *secrets,
                     const char    *name,
                     TwAuditHead   *head,
                     gboolean      *found,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  memset (head, 0, sizeof *head);
  *found = FALSE;
  text = tw_secrets_lookup_sync (secrets, AUDIT_PROFILE, "head", name, cancellable, error);
  if (text == NULL)
    return error == NULL || *error == NULL;

  fields = g_strsplit (text, " ", -1);
  if (g_strv_length (fields) == 7 && g_str_equal (fields[0], HEAD_MAGIC)
      && parse_int (fields[1], &head->keyed_from) && head->keyed_from > 0
      && parse_int (fields[2], &head->row)
      && strlen (fields[3]) == 64
      && parse_int (fields[4], &head->broken_at)
      && parse_int (fields[5], &head->broken_last)
      && parse_int (fields[6], &head->broken_head))
    {
      memcpy (head->mac, fields[3], 65);
      *found = TRUE;
      return TRUE;
    }

  g_set_error (error, TW_ERROR, TW_ERROR_SECRET,
               _("The keyring's record of the audit log “%s” is not one Trade Warden wrote"),
               name);
  return FALSE;
}

gboolean
_tw_audit_head_write (TwSecrets          *secrets,
                      const char         *name,
                      const TwAuditHead  *head,
                      GCancellable       *cancellable,
                      GError            **error)
{
  g_autofree char *text = NULL;

  text = g_strdup_printf (HEAD_MAGIC " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s %"
                          G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                          head->keyed_from, head->row, head->mac[0] != '\0' ? head->mac : TW_AUDIT_GENESIS,
                          head->broken_at, head->broken_last, head->broken_head);
  return tw_secrets_store_sync (secrets, AUDIT_PROFILE, "head", name, text, cancellable, error);
}
