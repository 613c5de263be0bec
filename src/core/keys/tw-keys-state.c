/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tw-error.h"
#include "tw-json.h"
#include "tw-keys-private.h"

/* The state file: the rotations' steps, times and masked tails, and each service's server
 * side; never a key. Written atomically (0600) after every step, read when the profile
 * opens, so a rotation resumes where it was. */
#define STATE_MAX_SIZE (1024 * 1024)

static TwKeyStep
step_from_string (const char *s)
{
  for (TwKeyStep step = TW_KEY_STEP_NONE; step <= TW_KEY_STEP_DONE; step++)
    if (g_strcmp0 (tw_key_step_to_string (step), s) == 0)
      return step;
  return TW_KEY_STEP_NONE;
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

gboolean
_tw_keys_save_locked (TwKeys  *self,
                      GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data = NULL;
  g_autofree char *dir = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (self->state_path == NULL)
    return TRUE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "grace_s");
  json_builder_add_int_value (b, self->grace_s);
  json_builder_set_member_name (b, "rotations");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->rotations);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TwKeyRotation *r = value;

      json_builder_begin_object (b);
      add_string (b, "service", r->service_id);
      add_string (b, "secret", r->secret);
      add_string (b, "step", tw_key_step_to_string (r->step));
      json_builder_set_member_name (b, "started_us");
      json_builder_add_int_value (b, r->started_us);
      json_builder_set_member_name (b, "grace_until_us");
      json_builder_add_int_value (b, r->grace_until_us);
      add_string (b, "new_tail", r->new_tail);
      add_string (b, "old_tail", r->old_tail);
      add_string (b, "problem", r->problem);
      json_builder_set_member_name (b, "still_accepted");
      json_builder_add_boolean_value (b, r->still_accepted);
      json_builder_set_member_name (b, "backups");
      json_builder_begin_array (b);
      for (guint i = 0; i < r->backups->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (r->backups, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "servers");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, self->servers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TwKeyServer *s = value;

      json_builder_set_member_name (b, key);
      json_builder_begin_object (b);
      add_string (b, "mode", s->mode == TW_KEY_SERVER_MANAGED ? "managed" : "guided");
      add_string (b, "env_file", s->env_file);
      json_builder_set_member_name (b, "restart");
      json_builder_begin_array (b);
      for (guint i = 0; s->argv != NULL && s->argv[i] != NULL; i++)
        json_builder_add_string_value (b, s->argv[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "timeout_s");
      json_builder_add_int_value (b, s->timeout_s);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  data = json_generator_to_data (gen, NULL);

  dir = g_path_get_dirname (self->state_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Cannot create %s: %s"), dir,
                   g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (self->state_path, data, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gint64
member_int (JsonObject *o,
            const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (n);
}

gboolean
tw_keys_load (TwKeys  *self,
              GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *obj;
  JsonNode *node;
  gsize len;

  g_return_val_if_fail (TW_IS_KEYS (self), FALSE);

  if (self->state_path == NULL)
    return TRUE;
  if (!g_file_get_contents (self->state_path, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      self->load_failed = TRUE;
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Cannot read the key rotations (%s): %s"),
                   self->state_path, local_error->message);
      return FALSE;
    }
  if (len > STATE_MAX_SIZE || !tw_json_parser_load (parser, data, len, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      self->load_failed = TRUE;
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The key rotations file %s is damaged; it was left as it is: %s"),
                   self->state_path, local_error != NULL ? local_error->message : _("not an object"));
      return FALSE;
    }
  root = json_parser_get_root (parser);
  obj = json_node_get_object (root);

  g_mutex_lock (&self->lock);
  if (member_int (obj, "grace_s") > 0)
    self->grace_s = member_int (obj, "grace_s");
  node = json_object_get_member (obj, "rotations");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *e = json_array_get_element (array, i);
          JsonObject *ro;
          const char *service, *secret;
          TwKeyRotation *r;
          JsonNode *bn;

          if (!JSON_NODE_HOLDS_OBJECT (e))
            continue;
          ro = json_node_get_object (e);
          service = member_string (ro, "service");
          secret = member_string (ro, "secret");
          if (service == NULL || secret == NULL)
            continue;
          r = _tw_keys_insert_locked (self, service, secret);
          r->step = step_from_string (member_string (ro, "step"));
          r->started_us = member_int (ro, "started_us");
          r->grace_until_us = member_int (ro, "grace_until_us");
          r->new_tail = g_strdup (member_string (ro, "new_tail"));
          r->old_tail = g_strdup (member_string (ro, "old_tail"));
          r->problem = g_strdup (member_string (ro, "problem"));
          r->still_accepted = json_object_get_boolean_member_with_default (ro, "still_accepted", FALSE);
          bn = json_object_get_member (ro, "backups");
          if (bn != NULL && JSON_NODE_HOLDS_ARRAY (bn))
            for (guint j = 0; j < json_array_get_length (json_node_get_array (bn)); j++)
              {
                JsonNode *p = json_array_get_element (json_node_get_array (bn), j);

                if (JSON_NODE_HOLDS_VALUE (p) && json_node_get_value_type (p) == G_TYPE_STRING)
                  g_ptr_array_add (r->backups, g_strdup (json_node_get_string (p)));
              }
        }
    }
  node = json_object_get_member (obj, "servers");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *so = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (so);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *sn = json_object_get_member (so, l->data);
          TwKeyServer *s;
          JsonNode *an;

          if (!JSON_NODE_HOLDS_OBJECT (sn))
            continue;
          s = g_new0 (TwKeyServer, 1);
          s->mode = g_strcmp0 (member_string (json_node_get_object (sn), "mode"), "managed") == 0
                      ? TW_KEY_SERVER_MANAGED : TW_KEY_SERVER_GUIDED;
          s->env_file = g_strdup (member_string (json_node_get_object (sn), "env_file"));
          s->timeout_s = member_int (json_node_get_object (sn), "timeout_s");
          if (s->timeout_s == 0)
            s->timeout_s = TW_KEYS_DEFAULT_RESTART_TIMEOUT_S;
          an = json_object_get_member (json_node_get_object (sn), "restart");
          if (an != NULL && JSON_NODE_HOLDS_ARRAY (an))
            {
              g_autoptr(GStrvBuilder) sb = g_strv_builder_new ();

              for (guint j = 0; j < json_array_get_length (json_node_get_array (an)); j++)
                {
                  JsonNode *p = json_array_get_element (json_node_get_array (an), j);

                  if (JSON_NODE_HOLDS_VALUE (p) && json_node_get_value_type (p) == G_TYPE_STRING)
                    g_strv_builder_add (sb, json_node_get_string (p));
                }
              s->argv = g_strv_builder_end (sb);
            }
          g_hash_table_replace (self->servers, g_strdup (l->data), s);
        }
    }
  g_mutex_unlock (&self->lock);
  return TRUE;
}


/* Key ages */

typedef struct
{
  TwSecrets *secrets;
  char      *profile;
  GPtrArray *targets;   /* "SERVICE/SECRET" */
} Ages;

static void
ages_free (Ages *a)
{
  g_clear_object (&a->secrets);
  g_free (a->profile);
  g_ptr_array_unref (a->targets);
  g_free (a);
}

static void
ages_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Ages *a = task_data;
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < a->targets->len; i++)
    {
      const char *target = g_ptr_array_index (a->targets, i);
      g_auto(GStrv) parts = g_strsplit (target, "/", 2);
      gint64 *when = g_new (gint64, 1);

      *when = tw_secrets_get_stored_time_sync (a->secrets, a->profile, parts[0], parts[1],
                                               cancellable, NULL);
      g_hash_table_replace (out, g_strdup (target), when);
    }
  g_task_return_pointer (task, out, (GDestroyNotify) g_hash_table_unref);
}

void
tw_keys_list_ages_async (TwKeys              *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GListModel *services = tw_workspace_get_services (self->workspace);
  Ages *a = g_new0 (Ages, 1);

  g_task_set_source_tag (task, tw_keys_list_ages_async);
  a->secrets = g_object_ref (tw_workspace_get_secrets (self->workspace));
  a->profile = g_strdup (self->profile);
  a->targets = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwClient *client = tw_workspace_get_client (self->workspace, tw_service_get_id (service));
      GPtrArray *specs = client != NULL ? tw_connector_get_secrets (tw_client_get_connector (client)) : NULL;

      for (guint j = 0; specs != NULL && j < specs->len; j++)
        g_ptr_array_add (a->targets, g_strdup_printf ("%s/%s", tw_service_get_id (service),
                                                      ((TwSecretSpec *) g_ptr_array_index (specs, j))->name));
    }
  g_task_set_task_data (task, a, (GDestroyNotify) ages_free);
  g_task_run_in_thread (task, ages_thread);
}

GHashTable *
tw_keys_list_ages_finish (TwKeys        *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
