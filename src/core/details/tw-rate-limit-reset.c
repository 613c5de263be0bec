/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tw-error.h"
#include "tw-service-details-private.h"

/* 001, Rate Gate API Exhaustion: "Only reset quotas if exchanges are already blocking —
 * resetting early masks quota leaks and causes worse rate limiting". The reset is the
 * guarded action "ratelimit.reset" (its checklist is that one item), sent through the
 * action runner (audited: requested, then the outcome); then the rate limits are read
 * back at once, and what they show is written to the audit log as a row of its own and
 * said to the operator beside the service's own answer. */

#define RESET_ACTION "ratelimit.reset"

typedef struct
{
  TwActionRunner *runner;
  TwGuardRequest *request;
  char           *provider;   /* nullable: all */
  char           *answer;     /* what the service said to the reset */
} ResetData;

static void
reset_data_free (ResetData *data)
{
  g_clear_object (&data->runner);
  g_clear_object (&data->request);
  g_free (data->provider);
  g_free (data->answer);
  g_free (data);
}

/* The server's words in a reset's answer: its "message", else "status", else the whole
 * (short) body. NULL for an empty answer. */
static char *
describe_answer (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      const char *keys[] = { "message", "status", "detail" };

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          JsonNode *member = json_object_get_member (object, keys[i]);

          if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
              json_node_get_value_type (member) == G_TYPE_STRING)
            return g_strdup (json_node_get_string (member));
        }
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  {
    g_autofree char *text = json_to_string (node, FALSE);

    if (g_utf8_strlen (text, -1) > 200)
      return NULL;
    return g_steal_pointer (&text);
  }
}

/* "alphavantage 0 of 5 requests used (0 %)", one per provider reset (all: every one). */
static char *
describe_limits (GListModel *items,
                 const char *provider,
                 gboolean   *still_high,
                 gboolean   *found)
{
  g_autoptr(GString) text = g_string_new (NULL);

  *still_high = FALSE;
  *found = FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(TwDetailItem) item = g_list_model_get_item (items, i);
      const char *name = tw_detail_item_get_name (item);
      double fraction = tw_detail_item_get_fraction (item);
      double used = tw_detail_item_get_number (item, "used");
      double limit = tw_detail_item_get_number (item, "limit");
      double remaining = tw_detail_item_get_number (item, "remaining");

      if (provider != NULL && g_strcmp0 (name, provider) != 0)
        continue;
      *found = TRUE;
      if (!isnan (fraction) && fraction > TW_RATE_LIMIT_WARNING)
        *still_high = TRUE;
      if (isnan (used) && !isnan (limit) && !isnan (remaining))
        used = limit - remaining;
      if (text->len > 0)
        g_string_append (text, "; ");
      if (!isnan (used) && !isnan (limit))
        /* Translators: a provider's quota after a reset, e.g. "alphavantage 0 of 5 used (0 %)" */
        g_string_append_printf (text, _("%s %.0f of %.0f used (%.0f %%)"), name, used, limit,
                                isnan (fraction) ? 0 : fraction * 100);
      else
        /* Translators: a provider whose usage the service does not report */
        g_string_append_printf (text, _("%s: usage not reported"), name);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
record_read_back (ResetData      *data,
                  TwAuditOutcome  outcome,
                  const char     *message)
{
  TwProfile *profile = tw_workspace_get_profile (tw_action_runner_get_workspace (data->runner));
  g_autoptr(GError) error = NULL;

  if (tw_audit_log_record (tw_action_runner_get_audit_log (data->runner), tw_profile_get_name (profile),
                           tw_profile_get_mode (profile), RESET_ACTION,
                           tw_guard_request_get_target (data->request),
                           tw_guard_request_get_reason (data->request), outcome, 0, message,
                           &error) == 0)
    g_warning ("The read-back of “%s” could not be written to the audit log: %s", RESET_ACTION,
               error->message);
}

static void
on_read_back (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwServiceDetails *self = g_task_get_source_object (task);
  ResetData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (source), result, NULL, &error);
  g_autofree char *limits = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *said = NULL;
  const char *error_text;
  gboolean still_high = FALSE, found = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  _tw_service_details_apply (self, TW_DETAIL_RATE_LIMITS, root, error);
  error_text = tw_service_details_get_error (self, TW_DETAIL_RATE_LIMITS);

  if (data->answer != NULL)
    /* Translators: what the service answered to a quota reset */
    said = g_strdup_printf (_("The service answered “%s”."), data->answer);
  else
    said = g_strdup (_("The service accepted the reset."));

  if (error_text != NULL)
    {
      audit = g_strdup_printf ("Read back after the reset failed: %s", error_text);
      record_read_back (data, TW_AUDIT_OUTCOME_FAILED, audit);
      /* Translators: the service's answer, then why the quotas could not be read again */
      g_task_return_pointer (task, g_strdup_printf (_("%s The quotas could not be read back: %s"),
                                                    said, error_text), g_free);
      return;
    }

  limits = describe_limits (tw_service_details_get_items (self, TW_DETAIL_RATE_LIMITS),
                            data->provider, &still_high, &found);
  if (data->provider != NULL && !found)
    {
      audit = g_strdup_printf ("Read back after the reset: %s is no longer listed", data->provider);
      record_read_back (data, TW_AUDIT_OUTCOME_OK, audit);
      /* Translators: the service's answer, then a provider's name */
      g_task_return_pointer (task, g_strdup_printf (_("%s %s is no longer listed in its quotas."),
                                                    said, data->provider), g_free);
      return;
    }
  audit = g_strdup_printf ("Read back after the reset: %s%s", limits,
                           still_high ? " (still above 80 %)" : "");
  record_read_back (data, still_high ? TW_AUDIT_OUTCOME_FAILED : TW_AUDIT_OUTCOME_OK, audit);
  g_task_return_pointer (task,
                         still_high
                         /* Translators: the service's answer, then the quotas read back */
                         ? g_strdup_printf (_("%s Read back: %s — still above 80 %%, the reset did not take."),
                                            said, limits)
                         /* Translators: the service's answer, then the quotas read back */
                         : g_strdup_printf (_("%s Read back: %s."), said, limits),
                         g_free);
}

static void
on_reset (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwServiceDetails *self = g_task_get_source_object (task);
  ResetData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = tw_action_runner_run_finish (TW_ACTION_RUNNER (source), result, NULL, &error);
  TwClient *client = _tw_service_details_get_client (self);

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->answer = describe_answer (node);
  if (client == NULL || !tw_client_has_operation (client, "rate_limits.list"))
    {
      g_task_return_pointer (task, data->answer != NULL
                                   ? g_strdup_printf (_("The service answered “%s”."), data->answer)
                                   : g_strdup (_("The service accepted the reset.")), g_free);
      return;
    }
  tw_client_call_full_async (client, "rate_limits.list", NULL, 1, g_task_get_cancellable (task),
                             on_read_back, g_object_ref (task));
}

void
tw_service_details_reset_rate_limits_async (TwServiceDetails    *self,
                                            TwActionRunner      *runner,
                                            TwGuardRequest      *request,
                                            const char          *provider,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) vars = NULL;
  TwClient *client;
  ResetData *data;

  g_return_if_fail (TW_IS_SERVICE_DETAILS (self));
  g_return_if_fail (TW_IS_ACTION_RUNNER (runner));
  g_return_if_fail (TW_IS_GUARD_REQUEST (request));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_service_details_reset_rate_limits_async);
  data = g_new0 (ResetData, 1);
  data->runner = g_object_ref (runner);
  data->request = g_object_ref (request);
  data->provider = g_strdup (provider);
  g_task_set_task_data (task, data, (GDestroyNotify) reset_data_free);

  client = _tw_service_details_get_client (self);
  if (g_strcmp0 (tw_guard_request_get_action (request), RESET_ACTION) != 0)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_INVALID,
                               "A quota reset is the guarded action “%s”, not “%s”", RESET_ACTION,
                               tw_guard_request_get_action (request));
      return;
    }
  if (client == NULL || !tw_service_details_can_reset_rate_limits (self, provider != NULL))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               provider != NULL
                               ? _("This service's connector cannot reset one provider's quota")
                               : _("This service's connector cannot reset its quotas"));
      return;
    }

  vars = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  if (provider != NULL)
    g_hash_table_insert (vars, "provider", g_strdup (provider));
  tw_action_runner_run_async (runner, request, tw_service_get_id (tw_client_get_service (client)),
                              provider != NULL ? "rate_limits.reset_provider" : "rate_limits.reset",
                              vars, cancellable, on_reset, g_steal_pointer (&task));
}

char *
tw_service_details_reset_rate_limits_finish (TwServiceDetails  *self,
                                             GAsyncResult      *result,
                                             GError           **error)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
