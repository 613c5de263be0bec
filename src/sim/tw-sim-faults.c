/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-faults.h"
#include "tw-sim-private.h"
#include "tw-error.h"

struct _TwSimFaults
{
  GPtrArray *list;   /* TwSimFault, in the order they were added */
  guint      next_id;
};

static const char * const kind_names[] = {
  [TW_SIM_FAULT_LATENCY] = "latency",
  [TW_SIM_FAULT_STATUS] = "status",
  [TW_SIM_FAULT_MALFORMED] = "malformed",
  [TW_SIM_FAULT_TRUNCATED] = "truncated",
  [TW_SIM_FAULT_HTML] = "html",
  [TW_SIM_FAULT_DROP] = "drop",
  [TW_SIM_FAULT_HUGE] = "huge",
  [TW_SIM_FAULT_RATE_LIMIT] = "rate-limit",
};

/* 4 GiB is far past any client's size cap, and keeps a typo from meaning "forever". */
#define MAX_HUGE_SIZE     (G_GUINT64_CONSTANT (4) * 1024 * 1024 * 1024)
#define MAX_LATENCY_MS    (10 * 60 * 1000)

const char *
tw_sim_fault_kind_to_string (TwSimFaultKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

TwSimFault *
tw_sim_fault_ref (TwSimFault *fault)
{
  return g_atomic_rc_box_acquire (fault);
}

static void
fault_clear (gpointer data)
{
  TwSimFault *fault = data;

  g_free (fault->flavor);
  g_free (fault->path);
  g_free (fault->method);
  g_free (fault->body);
  g_clear_pointer (&fault->headers, json_object_unref);
}

void
tw_sim_fault_unref (TwSimFault *fault)
{
  g_atomic_rc_box_release_full (fault, fault_clear);
}

TwSimFaults *
tw_sim_faults_new (void)
{
  TwSimFaults *faults = g_new0 (TwSimFaults, 1);

  faults->list = g_ptr_array_new_with_free_func ((GDestroyNotify) tw_sim_fault_unref);
  faults->next_id = 1;
  return faults;
}

void
tw_sim_faults_free (TwSimFaults *faults)
{
  if (faults == NULL)
    return;
  g_ptr_array_unref (faults->list);
  g_free (faults);
}

static gboolean
get_string (JsonObject  *obj,
            const char  *name,
            const char  *fallback,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = g_strdup (fallback);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "Fault field “%s” must be a string", name);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_uint (JsonObject  *obj,
          const char  *name,
          guint64      fallback,
          guint64      max,
          guint64     *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  gint64 value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "Fault field “%s” must be a whole number", name);
      return FALSE;
    }
  value = json_node_get_int (node);
  if (value < 0 || (guint64) value > max)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "Fault field “%s” is %" G_GINT64_FORMAT ": it must be between 0 and %"
                   G_GUINT64_FORMAT, name, value, max);
      return FALSE;
    }
  *out = (guint64) value;
  return TRUE;
}

TwSimFault *
tw_sim_faults_add_json (TwSimFaults  *faults,
                        JsonNode     *node,
                        const char   *default_flavor,
                        GError      **error)
{
  g_autoptr(TwSimFault) fault = NULL;
  g_autofree char *kind = NULL;
  JsonObject *obj;
  JsonNode *member;
  guint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           "A fault must be a JSON object, e.g. {\"kind\": \"status\", \"status\": 503}");
      return NULL;
    }
  obj = json_node_get_object (node);

  fault = g_atomic_rc_box_new0 (TwSimFault);
  if (!get_string (obj, "flavor", default_flavor, &fault->flavor, error) ||
      !get_string (obj, "path", "*", &fault->path, error) ||
      !get_string (obj, "method", NULL, &fault->method, error) ||
      !get_string (obj, "kind", NULL, &kind, error) ||
      !get_string (obj, "body", NULL, &fault->body, error))
    return NULL;

  if (tw_sim_flavor_lookup (fault->flavor) == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "Unknown flavor “%s”: use investiq, ibkr-assistant, ai-trading, "
                   "autotrader or alpaca", fault->flavor);
      return NULL;
    }
  if (fault->path[0] != '/' && fault->path[0] != '*')
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "Fault path “%s” must start with “/” (or be “*” for every path)",
                   fault->path);
      return NULL;
    }
  if (fault->method != NULL)
    {
      char *upper = g_ascii_strup (fault->method, -1);

      g_free (fault->method);
      fault->method = upper;
    }

  if (!get_uint (obj, "latency_ms", 0, MAX_LATENCY_MS, &value, error))
    return NULL;
  fault->latency_ms = value;

  if (kind == NULL && fault->latency_ms > 0)
    kind = g_strdup ("latency");
  if (kind == NULL)
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           "A fault needs a “kind”: latency, status, malformed, truncated, "
                           "html, drop, huge or rate-limit");
      return NULL;
    }
  for (fault->kind = 0; fault->kind < G_N_ELEMENTS (kind_names); fault->kind++)
    if (g_str_equal (kind, kind_names[fault->kind]))
      break;
  if (fault->kind == G_N_ELEMENTS (kind_names))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "Unknown fault kind “%s”: use latency, status, malformed, truncated, "
                   "html, drop, huge or rate-limit", kind);
      return NULL;
    }

  if (!get_uint (obj, "status", fault->kind == TW_SIM_FAULT_HTML ? 502 : 500, 599, &value, error))
    return NULL;
  if (value < 200)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "Fault status %u is not a final HTTP status (200–599)", (guint) value);
      return NULL;
    }
  fault->status = value;

  if (!get_uint (obj, "retry_after", 1, 86400, &value, error))
    return NULL;
  fault->retry_after = value;

  if (!get_uint (obj, "size", TW_SIM_HUGE_DEFAULT_SIZE, MAX_HUGE_SIZE, &fault->size, error))
    return NULL;

  if (!get_uint (obj, "count", 0, G_MAXUINT, &value, error))
    return NULL;
  fault->count = value;

  member = json_object_get_member (obj, "chunked");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                               "Fault field “chunked” must be true or false");
          return NULL;
        }
      fault->chunked = json_node_get_boolean (member);
    }

  member = json_object_get_member (obj, "headers");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      g_autoptr(GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                               "Fault field “headers” must be an object of strings");
          return NULL;
        }
      names = json_object_get_members (json_node_get_object (member));
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *h = json_object_get_member (json_node_get_object (member), l->data);

          if (!JSON_NODE_HOLDS_VALUE (h) || json_node_get_value_type (h) != G_TYPE_STRING)
            {
              g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                           "Fault header “%s” must be a string", (const char *) l->data);
              return NULL;
            }
        }
      fault->headers = json_object_ref (json_node_get_object (member));
    }

  fault->id = faults->next_id++;
  g_ptr_array_add (faults->list, tw_sim_fault_ref (fault));
  return fault;
}

static gboolean
path_matches (const char *pattern,
              const char *path)
{
  gsize len = strlen (pattern);

  if (len > 0 && pattern[len - 1] == '*')
    return strncmp (pattern, path, len - 1) == 0;
  return g_str_equal (pattern, path);
}

TwSimFault *
tw_sim_faults_take_match (TwSimFaults *faults,
                          const char  *flavor,
                          const char  *method,
                          const char  *path)
{
  for (guint i = 0; i < faults->list->len; i++)
    {
      TwSimFault *fault = g_ptr_array_index (faults->list, i);
      TwSimFault *taken;

      if (!g_str_equal (fault->flavor, flavor) ||
          (fault->method != NULL && g_ascii_strcasecmp (fault->method, method) != 0) ||
          !path_matches (fault->path, path))
        continue;

      taken = tw_sim_fault_ref (fault);
      taken->hits++;
      if (fault->count > 0 && --fault->count == 0)
        g_ptr_array_remove_index (faults->list, i);
      return taken;
    }

  return NULL;
}

gboolean
tw_sim_faults_remove (TwSimFaults *faults,
                      guint        id)
{
  for (guint i = 0; i < faults->list->len; i++)
    {
      TwSimFault *fault = g_ptr_array_index (faults->list, i);

      if (fault->id == id)
        {
          g_ptr_array_remove_index (faults->list, i);
          return TRUE;
        }
    }
  return FALSE;
}

void
tw_sim_faults_clear (TwSimFaults *faults,
                     const char  *flavor)
{
  for (guint i = faults->list->len; i > 0; i--)
    {
      TwSimFault *fault = g_ptr_array_index (faults->list, i - 1);

      if (flavor == NULL || g_str_equal (flavor, fault->flavor))
        g_ptr_array_remove_index (faults->list, i - 1);
    }
}

JsonNode *
tw_sim_fault_to_json (TwSimFault *fault)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, fault->id);
  json_builder_set_member_name (b, "flavor");
  json_builder_add_string_value (b, fault->flavor);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, fault->path);
  json_builder_set_member_name (b, "method");
  if (fault->method != NULL)
    json_builder_add_string_value (b, fault->method);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, kind_names[fault->kind]);
  json_builder_set_member_name (b, "latency_ms");
  json_builder_add_int_value (b, fault->latency_ms);
  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, fault->status);
  json_builder_set_member_name (b, "body");
  if (fault->body != NULL)
    json_builder_add_string_value (b, fault->body);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "headers");
  if (fault->headers != NULL)
    {
      JsonNode *h = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (h, fault->headers);
      json_builder_add_value (b, h);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "retry_after");
  json_builder_add_int_value (b, fault->retry_after);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64) fault->size);
  json_builder_set_member_name (b, "chunked");
  json_builder_add_boolean_value (b, fault->chunked);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, fault->count);
  json_builder_set_member_name (b, "hits");
  json_builder_add_int_value (b, fault->hits);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

JsonNode *
tw_sim_faults_to_json (TwSimFaults *faults,
                       const char  *flavor)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < faults->list->len; i++)
    {
      TwSimFault *fault = g_ptr_array_index (faults->list, i);

      if (flavor == NULL || g_str_equal (flavor, fault->flavor))
        json_builder_add_value (b, tw_sim_fault_to_json (fault));
    }
  json_builder_end_array (b);

  return json_builder_get_root (b);
}
