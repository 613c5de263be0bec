/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-incident-snapshot.h"

#include <glib/gi18n-lib.h>

#include "tw-enum-types.h"
#include "tw-error.h"
#include "tw-log-chain.h"
#include "tw-log-private.h"

typedef struct
{
  GFile      *file;
  GString    *head;       /* made on the main thread: time, profile, services */
  TwAuditLog *audit_log;
  char       *profile_name;
  GPtrArray  *snapshots;  /* TwLogSnapshot of each log */
  GPtrArray  *paths;      /* utf8: each log's current file */
  GPtrArray  *chains;     /* TwLogFormat of audit-chain logs, else NULL */
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_object_unref (job->file);
  g_string_free (job->head, TRUE);
  g_clear_object (&job->audit_log);
  g_free (job->profile_name);
  g_ptr_array_unref (job->snapshots);
  g_ptr_array_unref (job->paths);
  g_ptr_array_unref (job->chains);
  g_free (job);
}

char *
tw_incident_snapshot_default_name (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "incident_%Y%m%d_%H%M%S.txt");
}

static void
append_scrubbed (GString    *out,
                 const char *text)
{
  g_autofree char *scrubbed = tw_audit_scrub (text != NULL ? text : "");

  g_string_append (out, scrubbed);
}

/* A URL without user:password@. */
static char *
url_for_people (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL)
    return g_strdup (url != NULL ? "(not a URL)" : "");
  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), g_uri_get_path (uri), NULL, NULL);
}

static void
append_services (GString   *out,
                 TwSession *session)
{
  GListModel *services = tw_workspace_get_services (tw_session_get_workspace (session));
  GEnumClass *states = g_type_class_ref (TW_TYPE_SERVICE_STATE);

  g_string_append (out, "\n== Services ==\n");
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      GEnumValue *state = g_enum_get_value (states, tw_service_get_state (service));
      g_autofree char *url = url_for_people (tw_service_get_base_url (service));
      gint64 age = tw_service_get_age_seconds (service);

      g_string_append_printf (out, "%s (%s, connector %s, %s): %s%s", tw_service_get_id (service),
                              tw_service_get_name (service), tw_service_get_connector_id (service), url,
                              state != NULL ? state->value_nick : "?",
                              tw_service_get_stale (service) ? ", STALE" : "");
      if (tw_service_get_latency_ms (service) > 0)
        g_string_append_printf (out, ", latency %.0f ms", tw_service_get_latency_ms (service));
      if (age >= 0)
        g_string_append_printf (out, ", data %" G_GINT64_FORMAT " s old", age);
      if (tw_service_get_status_text (service) != NULL)
        {
          g_string_append (out, ", ");
          append_scrubbed (out, tw_service_get_status_text (service));
        }
      if (tw_service_get_last_error (service) != NULL)
        {
          g_string_append (out, "\n    last error: ");
          append_scrubbed (out, tw_service_get_last_error (service));
        }
      g_string_append_c (out, '\n');
    }
  g_type_class_unref (states);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  GString *out = g_string_new (job->head->str);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GError *error = NULL;

  g_string_append (out, "\n== Audit chains ==\n");
  for (guint i = 0; i < job->snapshots->len; i++)
    {
      TwLogSnapshot *snapshot = g_ptr_array_index (job->snapshots, i);
      TwLogFormat *format = g_ptr_array_index (job->chains, i);
      TwChainResult result;
      g_autoptr(GError) chain_error = NULL;

      if (format == NULL)
        continue;
      g_string_append_printf (out, "%s (%s): ", snapshot->source_id, (char *) g_ptr_array_index (job->paths, i));
      if (tw_chain_verify_file (g_ptr_array_index (job->paths, i), tw_log_format_get_prev_hash_field (format),
                                tw_log_format_get_hash_field (format), &result, cancellable, &chain_error))
        {
          g_string_append_printf (out, "%s%s\n", result.verdict == TW_CHAIN_INTACT ? "" : "BROKEN: ", result.message);
          tw_chain_result_clear (&result);
        }
      else
        g_string_append_printf (out, "%s\n", chain_error->message);
    }

  g_string_append (out, "\n== This console's audit log, the last hour ==\n");
  if (job->audit_log == NULL)
    g_string_append (out, "(no audit log)\n");
  else
    {
      TwAuditFilter filter = { .profile = job->profile_name, .outcome = -1, .limit = 1000 };
      g_autoptr(GListModel) rows = tw_audit_log_query (job->audit_log, &filter, cancellable, &error);
      g_autoptr(GDateTime) since = g_date_time_add_hours (now, -1);
      guint shown = 0;

      if (rows == NULL)
        {
          g_string_append_printf (out, "(could not be read: %s)\n", error->message);
          g_clear_error (&error);
        }
      /* Newest first from the query: oldest first here, like a log. */
      for (guint i = rows != NULL ? g_list_model_get_n_items (rows) : 0; i > 0; i--)
        {
          g_autoptr(TwAuditRecord) row = g_list_model_get_item (rows, i - 1);
          g_autoptr(GDateTime) time = tw_audit_record_dup_time (row);
          g_autofree char *stamp = NULL;

          if (g_date_time_compare (time, since) < 0)
            continue;
          stamp = g_date_time_format_iso8601 (time);
          g_string_append_printf (out, "%s  #%" G_GINT64_FORMAT "  %s  %s  %s  %s  ", stamp,
                                  tw_audit_record_get_id (row), tw_audit_record_get_actor (row),
                                  tw_audit_record_get_action (row), tw_audit_record_get_target (row),
                                  tw_audit_record_get_mode (row));
          g_string_append (out, "reason: ");
          append_scrubbed (out, tw_audit_record_get_reason (row));
          g_string_append_printf (out, "  outcome: %d  HTTP %u  ", tw_audit_record_get_outcome (row),
                                  tw_audit_record_get_http_status (row));
          append_scrubbed (out, tw_audit_record_get_message (row));
          g_string_append_c (out, '\n');
          shown++;
        }
      if (rows != NULL && shown == 0)
        g_string_append (out, "(none)\n");
    }

  g_string_append_printf (out, "\n== Logs: the last %u lines of each ==\n", TW_INCIDENT_TAIL_LINES);
  for (guint i = 0; i < job->snapshots->len; i++)
    {
      TwLogSnapshot *snapshot = g_ptr_array_index (job->snapshots, i);
      guint from = snapshot->n_rows > TW_INCIDENT_TAIL_LINES ? snapshot->n_rows - TW_INCIDENT_TAIL_LINES : 0;

      g_string_append_printf (out, "\n--- %s (%s), lines %u–%u of %u ---\n", snapshot->source_id,
                              (char *) g_ptr_array_index (job->paths, i), from + 1, snapshot->n_rows,
                              snapshot->n_rows);
      for (guint row = from; row < snapshot->n_rows; row++)
        {
          TwLogLineFlags flags = 0;
          g_autofree char *text = _tw_log_snapshot_read (snapshot, row, &flags);

          if (flags & TW_LOG_LINE_LOST)
            g_string_append (out, "[no longer in the file]");
          if (flags & TW_LOG_LINE_CUT)
            g_string_append (out, "[cut by a rotation] ");
          append_scrubbed (out, text);
          g_string_append_c (out, '\n');
        }
    }

  if (!g_file_replace_contents (job->file, out->str, out->len, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                NULL, cancellable, &error))
    {
      g_string_free (out, TRUE);
      g_task_return_error (task, error);
      return;
    }
  g_string_free (out, TRUE);
  g_task_return_boolean (task, TRUE);
}

void
tw_incident_snapshot_write_async (TwSession           *session,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%S %Z");
  TwProfile *profile;
  TwLogs *logs;
  GListModel *sources;
  Job *job;

  g_return_if_fail (TW_IS_SESSION (session));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_incident_snapshot_write_async);
  if (tw_session_is_closing (session))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED, _("The profile is closing."));
      return;
    }
  profile = tw_session_get_profile (session);
  job = g_new0 (Job, 1);
  job->file = g_object_ref (file);
  job->profile_name = g_strdup (tw_profile_get_name (profile));
  job->head = g_string_new (NULL);
  g_string_append_printf (job->head, "Trade Warden incident snapshot\nTime: %s\nProfile: %s (%s)\n", stamp,
                          tw_profile_get_name (profile),
                          tw_profile_get_mode (profile) == TW_MODE_LIVE ? "LIVE" : "paper");
  append_services (job->head, session);
  if (tw_session_get_audit_log (session) != NULL)
    job->audit_log = g_object_ref (tw_session_get_audit_log (session));
  job->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_log_snapshot_unref);
  job->paths = g_ptr_array_new_with_free_func (g_free);
  job->chains = g_ptr_array_new_with_free_func ((GDestroyNotify) tw_log_format_unref);
  logs = tw_session_get_logs (session);
  sources = tw_logs_get_sources (logs);
  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(TwLogSource) source = g_list_model_get_item (sources, i);
      TwLogFormat *format = tw_log_source_get_format (source);

      g_ptr_array_add (job->snapshots, _tw_log_source_snapshot (source));
      g_ptr_array_add (job->paths, tw_log_source_dup_current_path (source));
      g_ptr_array_add (job->chains, tw_log_format_get_kind (format) == TW_LOG_KIND_AUDIT_CHAIN
                                    ? tw_log_format_ref (format) : NULL);
    }
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, write_thread);
}

gboolean
tw_incident_snapshot_write_finish (TwSession     *session,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
