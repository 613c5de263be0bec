/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-session.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"
#include "tw-session-private.h"

/* Halt All: every service of the profile, in parallel, one call; the window's button, the
 * notification's Halt trading button and (later) the command line share it. */

static char *
describe_result (TwActionResult *result)
{
  const char *name = tw_action_result_get_service_name (result);
  const char *message = tw_action_result_get_message (result);

  if (message == NULL)
    message = "";
  switch (tw_action_result_get_outcome (result))
    {
    case TW_ACTION_OUTCOME_DONE:
      if (tw_action_result_get_read_back (result))
        /* Translators: one service's halt result, known from its state read back; %s is
         * its name, then why */
        return g_strdup_printf (_("%s: halted — %s"), name, message);
      /* Translators: one service's halt result; %s is its name, %.0f the latency */
      return g_strdup_printf (_("%s: halted (%.0f ms)"), name,
                              tw_action_result_get_latency_ms (result));
    case TW_ACTION_OUTCOME_ALREADY:
      /* Translators: one service's halt result; %s is its name */
      return g_strdup_printf (_("%s: already halted"), name);
    case TW_ACTION_OUTCOME_UNKNOWN:
      /* Translators: one service's halt result when it did not answer; %s is its name,
       * then what is known */
      return g_strdup_printf (_("%s: UNKNOWN — %s"), name, message);
    case TW_ACTION_OUTCOME_UNSUPPORTED:
      /* Translators: one service's halt result; %s is its name, then what to do instead */
      return g_strdup_printf (_("%s: cannot be halted here — %s"), name, message);
    case TW_ACTION_OUTCOME_FAILED:
    default:
      /* Translators: one service's failed halt; %s is its name, then why */
      return g_strdup_printf (_("%s: NOT HALTED — %s"), name,
                              *message != '\0' ? message : _("no answer"));
    }
}

static gboolean
is_failure (TwActionResult *result)
{
  TwActionOutcome outcome = tw_action_result_get_outcome (result);

  return outcome == TW_ACTION_OUTCOME_FAILED || outcome == TW_ACTION_OUTCOME_UNKNOWN;
}

/* Lines of @results not halted (@ok FALSE: failed, unknown, and unless @only_failures,
 * cannot be halted here) or halted (@ok TRUE). */
static void
append_results (GString   *str,
                GPtrArray *results,
                gboolean   ok,
                gboolean   only_failures)
{
  for (guint i = 0; i < results->len; i++)
    {
      TwActionResult *result = g_ptr_array_index (results, i);
      g_autofree char *line = NULL;

      if (!tw_action_result_get_ok (result) != !ok)
        continue;
      if (only_failures && !is_failure (result))
        continue;
      line = describe_result (result);
      if (str->len > 0)
        g_string_append_c (str, '\n');
      g_string_append (str, line);
    }
}

/**
 * tw_session_describe_halt:
 * @results: (element-type TwActionResult): a Halt All's results
 *
 * Returns: (transfer full): one line a result
 */
char *
tw_session_describe_halt (GPtrArray      *results,
                          TwHaltDescribe  which)
{
  g_autoptr(GString) str = g_string_new (NULL);

  g_return_val_if_fail (results != NULL, NULL);

  switch (which)
    {
    case TW_HALT_DESCRIBE_ALL:
      for (guint i = 0; i < results->len; i++)
        {
          g_autofree char *line = describe_result (g_ptr_array_index (results, i));

          if (str->len > 0)
            g_string_append_c (str, '\n');
          g_string_append (str, line);
        }
      break;
    case TW_HALT_DESCRIBE_FAILURES:
      append_results (str, results, FALSE, TRUE);
      break;
    case TW_HALT_DESCRIBE_FAILURES_FIRST:
      /* Failures first: they are what the operator must act on. */
      append_results (str, results, FALSE, FALSE);
      append_results (str, results, TRUE, FALSE);
      break;
    default:
      g_return_val_if_reached (NULL);
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

guint
tw_session_count_halt_failures (GPtrArray *results)
{
  guint n = 0;

  g_return_val_if_fail (results != NULL, 0);

  for (guint i = 0; i < results->len; i++)
    if (is_failure (g_ptr_array_index (results, i)))
      n++;
  return n;
}

guint
tw_session_count_halt_outcome (GPtrArray *results,
                               guint      outcome)
{
  guint n = 0;

  g_return_val_if_fail (results != NULL, 0);

  for (guint i = 0; i < results->len; i++)
    if (tw_action_result_get_outcome (g_ptr_array_index (results, i)) == outcome)
      n++;
  return n;
}

char *
tw_session_summarize_halt (GPtrArray *results)
{
  g_autoptr(GString) str = NULL;
  guint n_halted, n_failed, n_unknown, n_unsupported;

  g_return_val_if_fail (results != NULL, NULL);

  n_halted = tw_session_count_halt_outcome (results, TW_ACTION_OUTCOME_DONE)
             + tw_session_count_halt_outcome (results, TW_ACTION_OUTCOME_ALREADY);
  n_failed = tw_session_count_halt_outcome (results, TW_ACTION_OUTCOME_FAILED);
  n_unknown = tw_session_count_halt_outcome (results, TW_ACTION_OUTCOME_UNKNOWN);
  n_unsupported = tw_session_count_halt_outcome (results, TW_ACTION_OUTCOME_UNSUPPORTED);

  /* Translators: the summary of Halt All, e.g. "Halted 4 of 5 services" */
  str = g_string_new (NULL);
  g_string_printf (str, g_dngettext (GETTEXT_PACKAGE, "Halted %u of %u service", "Halted %u of %u services",
                                  results->len), n_halted, results->len);
  if (n_failed > 0)
    /* Translators: added to the summary of Halt All */
    g_string_append_printf (str, g_dngettext (GETTEXT_PACKAGE, " · %u failed", " · %u failed", n_failed), n_failed);
  if (n_unknown > 0)
    /* Translators: added to the summary of Halt All: services that did not answer */
    g_string_append_printf (str, g_dngettext (GETTEXT_PACKAGE, " · %u unknown (no answer)", " · %u unknown (no answer)",
                                           n_unknown), n_unknown);
  if (n_unsupported > 0)
    /* Translators: added to the summary of Halt All */
    g_string_append_printf (str, g_dngettext (GETTEXT_PACKAGE, " · %u cannot be halted here",
                                           " · %u cannot be halted here", n_unsupported),
                            n_unsupported);
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
set_halt_failure (TwSession *self,
                  char      *failure)
{
  if (g_strcmp0 (self->halt_failure, failure) == 0)
    {
      g_free (failure);
      return;
    }
  g_free (self->halt_failure);
  self->halt_failure = failure;
  _tw_session_notify (self, SESSION_PROP_HALT_FAILURE);
}

static void
halt_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  results = tw_action_runner_halt_all_finish (TW_ACTION_RUNNER (object), result, &error);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, GPOINTER_TO_SIZE (g_task_get_task_data (task)));
  g_clear_object (&self->halt_cancellable);
  _tw_session_notify (self, SESSION_PROP_HALTING);

  if (results == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A Retry's results replace those of its services in the last Halt All's. */
  if (g_task_get_source_tag (task) == tw_session_halt_services_async && self->last_halt != NULL)
    {
      GPtrArray *merged = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < self->last_halt->len; i++)
        {
          TwActionResult *old = g_ptr_array_index (self->last_halt, i);
          TwActionResult *latest = old;

          for (guint j = 0; j < results->len; j++)
            if (g_strcmp0 (tw_action_result_get_service_id (g_ptr_array_index (results, j)),
                           tw_action_result_get_service_id (old)) == 0)
              latest = g_ptr_array_index (results, j);
          g_ptr_array_add (merged, g_object_ref (latest));
        }
      g_ptr_array_unref (self->last_halt);
      self->last_halt = merged;
    }
  else
    {
      g_clear_pointer (&self->last_halt, g_ptr_array_unref);
      self->last_halt = g_ptr_array_ref (results);
    }
  if (tw_session_count_halt_failures (self->last_halt) > 0)
    {
      g_autofree char *failures = tw_session_describe_halt (self->last_halt, TW_HALT_DESCRIBE_FAILURES);
      GString *text = g_string_new (NULL);
      gboolean headed = FALSE;

      /* Translators: the Breakers page's error row; %s lists the services and why */
      g_string_printf (text, _("Trading may still be running. The last Halt All did not reach:\n%s"), failures);
      /* A service with no halt switch was not missed: it is stopped elsewhere, and said so
       * apart, with what to do instead. */
      for (guint i = 0; i < self->last_halt->len; i++)
        {
          TwActionResult *one = g_ptr_array_index (self->last_halt, i);

          if (tw_action_result_get_outcome (one) != TW_ACTION_OUTCOME_UNSUPPORTED)
            continue;
          if (!headed)
            /* Translators: after the services the last Halt All did not reach, the
             * heading of those it cannot halt, each then named with what to do instead */
            g_string_append_printf (text, "\n%s", _("Cannot be halted from Trade Warden:"));
          headed = TRUE;
          g_string_append_printf (text, "\n%s — %s",
                                  tw_action_result_get_service_name (one),
                                  tw_action_result_get_message (one) != NULL
                                  ? tw_action_result_get_message (one) : "");
        }
      set_halt_failure (self, g_string_free (text, FALSE));
    }
  else
    set_halt_failure (self, NULL);

  g_task_return_pointer (task, g_steal_pointer (&results), (GDestroyNotify) g_ptr_array_unref);
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     GCancellable *halt_cancellable)
{
  g_cancellable_cancel (halt_cancellable);
}

static void
halt_async (TwSession           *self,
            gpointer             source_tag,
            const char          *reason,
            const char * const  *service_ids,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gulong handler = 0;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (self->runner == NULL || self->close_tasks != NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED,
                               self->runner == NULL
                               ? _("Halt All is disabled: the audit log could not be opened.")
                               : _("Halt All was not sent: the profile is closing."));
      return;
    }
  /* One at a time: a second click while halting does nothing more. */
  if (self->halt_cancellable != NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED,
                               _("Halt All is already in progress; wait for its result."));
      return;
    }

  self->halt_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                     g_object_ref (self->halt_cancellable), g_object_unref);
  g_task_set_task_data (task, GSIZE_TO_POINTER (handler), NULL);
  _tw_session_notify (self, SESSION_PROP_HALTING);
  tw_action_runner_halt_services_async (self->runner, reason, service_ids, self->halt_cancellable,
                                        halt_done_cb, g_steal_pointer (&task));
}

void
tw_session_halt_all_async (TwSession           *self,
                           const char          *reason,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (TW_IS_SESSION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  halt_async (self, tw_session_halt_all_async, reason, NULL, cancellable, callback, user_data);
}

void
tw_session_halt_services_async (TwSession           *self,
                                const char          *reason,
                                const char * const  *service_ids,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (TW_IS_SESSION (self));
  g_return_if_fail (service_ids != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  halt_async (self, tw_session_halt_services_async, reason, service_ids, cancellable, callback,
              user_data);
}

GPtrArray *
tw_session_halt_all_finish (TwSession     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tw_session_halt_all_async ||
                        g_task_get_source_tag (G_TASK (result)) == tw_session_halt_services_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
tw_session_is_halting (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), FALSE);

  return self->halt_cancellable != NULL;
}

GPtrArray *
tw_session_get_last_halt (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->last_halt;
}

const char *
tw_session_get_halt_failure (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->halt_failure;
}

void
_tw_session_cancel_halt (TwSession *self)
{
  if (self->halt_cancellable != NULL)
    g_cancellable_cancel (self->halt_cancellable);
}

void
_tw_session_clear_halt (TwSession *self)
{
  _tw_session_cancel_halt (self);
  g_clear_object (&self->halt_cancellable);
  g_clear_pointer (&self->last_halt, g_ptr_array_unref);
  g_clear_pointer (&self->halt_failure, g_free);
}
