/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-loki.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#define DEFAULT_LIMIT 100
#define MAX_LIMIT     5000
#define HOUR_NS       (G_GINT64_CONSTANT (3600) * 1000000000)

typedef struct
{
  char       *key;     /* the label set, sorted: a=b,c=d */
  GHashTable *labels;
} Stream;

typedef struct
{
  gint64  ts;
  Stream *stream;
  char   *line;
} Entry;

typedef enum { MATCH_EQ, MATCH_NE, MATCH_RE, MATCH_NRE } MatchOp;

typedef struct
{
  char    *name;
  MatchOp  op;
  char    *value;
  GRegex  *regex;
} Matcher;

/* A parsed LogQL log query: a stream selector and line filters. */
typedef struct
{
  GPtrArray *matchers;  /* Matcher: labels */
  GPtrArray *filters;   /* Matcher: name NULL, on the line */
} Query;

typedef struct
{
  SoupWebsocketConnection *ws;
  Query                   *query;
} Tail;

struct _TwSimLoki
{
  SoupServer     *server;
  char           *url;
  GHashTable     *streams;   /* key → Stream */
  GPtrArray      *entries;   /* Entry, in the order pushed */
  GPtrArray      *tails;     /* Tail */
  TwSimLokiFault  fault;
  char           *tenant;
  char           *token;
  guint           n_range;
  guint           n_tail;
  gboolean        tail_handler;
  GPtrArray      *endless;   /* SoupServerMessage being fed forever */
  guint           endless_id;
};

static void
matcher_free (gpointer data)
{
  Matcher *matcher = data;

  g_free (matcher->name);
  g_free (matcher->value);
  g_clear_pointer (&matcher->regex, g_regex_unref);
  g_free (matcher);
}

static void
query_free (Query *query)
{
  if (query == NULL)
    return;
  g_ptr_array_unref (query->matchers);
  g_ptr_array_unref (query->filters);
  g_free (query);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Query, query_free)

static void
skip_space (const char **p)
{
  while (g_ascii_isspace (**p))
    (*p)++;
}

/* A "quoted" or `raw` string. */
static char *
parse_string (const char **p)
{
  GString *out;
  char quote = **p;

  if (quote != '"' && quote != '`')
    return NULL;
  out = g_string_new (NULL);
  for ((*p)++; **p != '\0' && **p != quote; (*p)++)
    {
      if (quote == '"' && **p == '\\' && (*p)[1] != '\0')
        {
          (*p)++;
          switch (**p)
            {
            case 'n': g_string_append_c (out, '\n'); break;
            case 't': g_string_append_c (out, '\t'); break;
            default: g_string_append_c (out, **p); break;
            }
          continue;
        }
      g_string_append_c (out, **p);
    }
  if (**p != quote)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  (*p)++;
  return g_string_free (out, FALSE);
}

static Matcher *
make_matcher (char    *name,
              MatchOp  op,
              char    *value,
              char   **error)
{
  Matcher *matcher = g_new0 (Matcher, 1);

  matcher->name = name;
  matcher->op = op;
  matcher->value = value;
  if (op == MATCH_RE || op == MATCH_NRE)
    {
      g_autoptr(GError) local = NULL;
      /* Loki anchors label regexes; line filters are not anchored. */
      g_autofree char *pattern = name != NULL ? g_strdup_printf ("^(?:%s)$", value) : g_strdup (value);

      matcher->regex = g_regex_new (pattern, 0, 0, &local);
      if (matcher->regex == NULL)
        {
          *error = g_strdup_printf ("parse error : invalid regex %s", value);
          matcher_free (matcher);
          return NULL;
        }
    }
  return matcher;
}

/* Loki's error text for a query it cannot parse, in @error. */
static Query *
parse_query (const char  *text,
             char       **error)
{
  g_autoptr(Query) query = g_new0 (Query, 1);
  const char *p = text;

  query->matchers = g_ptr_array_new_with_free_func (matcher_free);
  query->filters = g_ptr_array_new_with_free_func (matcher_free);
  skip_space (&p);
  if (*p != '{')
    {
      *error = g_strdup ("parse error : queries require at least one regexp or equality matcher "
                         "that does not have an empty-compatible value");
      return NULL;
    }
  p++;
  for (;;)
    {
      const char *start;
      g_autofree char *name = NULL;
      char *value;
      MatchOp op;
      Matcher *matcher;

      skip_space (&p);
      if (*p == '}')
        {
          p++;
          break;
        }
      start = p;
      while (g_ascii_isalnum (*p) || *p == '_')
        p++;
      if (p == start)
        {
          *error = g_strdup_printf ("parse error at line 1, col %d: syntax error: unexpected %c",
                                    (int) (p - text) + 1, *p != '\0' ? *p : '$');
          return NULL;
        }
      name = g_strndup (start, p - start);
      skip_space (&p);
      if (p[0] == '=' && p[1] == '~')
        op = MATCH_RE, p += 2;
      else if (p[0] == '!' && p[1] == '~')
        op = MATCH_NRE, p += 2;
      else if (p[0] == '!' && p[1] == '=')
        op = MATCH_NE, p += 2;
      else if (p[0] == '=')
        op = MATCH_EQ, p += 1;
      else
        {
          *error = g_strdup_printf ("parse error at line 1, col %d: syntax error: unexpected operator",
                                    (int) (p - text) + 1);
          return NULL;
        }
      skip_space (&p);
      value = parse_string (&p);
      if (value == NULL)
        {
          *error = g_strdup_printf ("parse error at line 1, col %d: syntax error: expected a string",
                                    (int) (p - text) + 1);
          return NULL;
        }
      matcher = make_matcher (g_steal_pointer (&name), op, value, error);
      if (matcher == NULL)
        return NULL;
      g_ptr_array_add (query->matchers, matcher);
      skip_space (&p);
      if (*p == ',')
        p++;
    }
  if (query->matchers->len == 0)
    {
      *error = g_strdup ("parse error : queries require at least one regexp or equality matcher "
                         "that does not have an empty-compatible value");
      return NULL;
    }
  for (;;)
    {
      MatchOp op;
      char *value;
      Matcher *matcher;

      skip_space (&p);
      if (*p == '\0')
        break;
      if (p[0] == '|' && p[1] == '=')
        op = MATCH_EQ;
      else if (p[0] == '!' && p[1] == '=')
        op = MATCH_NE;
      else if (p[0] == '|' && p[1] == '~')
        op = MATCH_RE;
      else if (p[0] == '!' && p[1] == '~')
        op = MATCH_NRE;
      else
        {
          *error = g_strdup_printf ("parse error at line 1, col %d: syntax error: unexpected %c",
                                    (int) (p - text) + 1, *p);
          return NULL;
        }
      p += 2;
      skip_space (&p);
      value = parse_string (&p);
      if (value == NULL)
        {
          *error = g_strdup_printf ("parse error at line 1, col %d: syntax error: expected a string",
                                    (int) (p - text) + 1);
          return NULL;
        }
      matcher = make_matcher (NULL, op, value, error);
      if (matcher == NULL)
        return NULL;
      g_ptr_array_add (query->filters, matcher);
    }
  return g_steal_pointer (&query);
}

static gboolean
matches_value (Matcher    *matcher,
               const char *value)
{
  switch (matcher->op)
    {
    case MATCH_EQ:
      return matcher->name != NULL ? g_str_equal (value, matcher->value) : strstr (value, matcher->value) != NULL;
    case MATCH_NE:
      return matcher->name != NULL ? !g_str_equal (value, matcher->value) : strstr (value, matcher->value) == NULL;
    case MATCH_RE:
      return g_regex_match (matcher->regex, value, 0, NULL);
    case MATCH_NRE:
      return !g_regex_match (matcher->regex, value, 0, NULL);
    default:
      return FALSE;
    }
}

static gboolean
query_matches (Query *query,
               Entry *entry)
{
  for (guint i = 0; i < query->matchers->len; i++)
    {
      Matcher *matcher = g_ptr_array_index (query->matchers, i);
      const char *value = g_hash_table_lookup (entry->stream->labels, matcher->name);

      if (!matches_value (matcher, value != NULL ? value : ""))
        return FALSE;
    }
  for (guint i = 0; i < query->filters->len; i++)
    if (!matches_value (g_ptr_array_index (query->filters, i), entry->line))
      return FALSE;
  return TRUE;
}

/* Times: nanoseconds, or RFC 3339. */
static gboolean
parse_time (const char *text,
            gint64     *ns)
{
  g_autoptr(GDateTime) dt = NULL;
  guint64 number;

  if (text == NULL)
    return FALSE;
  if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &number, NULL))
    {
      *ns = number;
      return TRUE;
    }
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;
  *ns = g_date_time_to_unix (dt) * 1000000000 + (gint64) g_date_time_get_microsecond (dt) * 1000;
  return TRUE;
}

/* Answers */

static void
answer_text (SoupServerMessage *msg,
             guint              status,
             const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

static int
compare_forward (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = *(Entry * const *) a;
  const Entry *y = *(Entry * const *) b;

  return x->ts < y->ts ? -1 : x->ts > y->ts ? 1 : 0;
}

static int
compare_backward (gconstpointer a,
                  gconstpointer b)
{
  return compare_forward (b, a);
}

/* [{"stream":{…},"values":[[ts,line],…]},…] of @entries, grouped by stream, each stream's
 * values in the order of @entries. */
static void
build_streams (JsonBuilder *builder,
               GPtrArray   *entries)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GHashTable) groups = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      GPtrArray *group = g_hash_table_lookup (groups, entry->stream);

      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (groups, entry->stream, group);
          g_ptr_array_add (order, entry->stream);
        }
      g_ptr_array_add (group, entry);
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < order->len; i++)
    {
      Stream *stream = g_ptr_array_index (order, i);
      GPtrArray *group = g_hash_table_lookup (groups, stream);
      GHashTableIter iter;
      gpointer name, value;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "stream");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, stream->labels);
      while (g_hash_table_iter_next (&iter, &name, &value))
        {
          json_builder_set_member_name (builder, name);
          json_builder_add_string_value (builder, value);
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "values");
      json_builder_begin_array (builder);
      for (guint j = 0; j < group->len; j++)
        {
          Entry *entry = g_ptr_array_index (group, j);
          char ts[32];

          g_snprintf (ts, sizeof ts, "%" G_GINT64_FORMAT, entry->ts);
          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, ts);
          json_builder_add_string_value (builder, entry->line);
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static char *
builder_text (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
endless_cb (gpointer data)
{
  TwSimLoki *self = data;
  static const char chunk[] = "[\"1\",\"endless\"],";

  for (guint i = 0; i < self->endless->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (self->endless, i);

      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                                chunk, strlen (chunk));
      soup_server_message_unpause (msg);
    }
  return G_SOURCE_CONTINUE;
}

static void
endless_finished_cb (SoupServerMessage *msg,
                     gpointer           data)
{
  TwSimLoki *self = data;

  g_ptr_array_remove (self->endless, msg);
}

static gboolean
check_auth (TwSimLoki         *self,
            SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *org = soup_message_headers_get_one (headers, "X-Scope-OrgID");
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (self->token != NULL)
    {
      g_autofree char *want = g_strdup_printf ("Bearer %s", self->token);

      if (g_strcmp0 (authorization, want) != 0)
        {
          answer_text (msg, 401, "unauthorized\n");
          return FALSE;
        }
    }
  if (self->tenant != NULL && g_strcmp0 (org, self->tenant) != 0)
    {
      answer_text (msg, 401, "no org id\n");
      return FALSE;
    }
  return TRUE;
}

static void
query_range (TwSimLoki         *self,
             SoupServerMessage *msg,
             GHashTable        *params)
{
  const char *text = params != NULL ? g_hash_table_lookup (params, "query") : NULL;
  const char *direction = params != NULL ? g_hash_table_lookup (params, "direction") : NULL;
  const char *limit_text = params != NULL ? g_hash_table_lookup (params, "limit") : NULL;
  gint64 now = g_get_real_time () * 1000;
  gint64 start = now - HOUR_NS, end = now;
  guint64 limit = DEFAULT_LIMIT;
  g_autofree char *error = NULL;
  g_autoptr(Query) query = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *body = NULL;
  gboolean backward;

  self->n_range++;
  switch (self->fault)
    {
    case TW_SIM_LOKI_FAULT_STATUS_500:
      answer_text (msg, 500, "internal error: too many outstanding requests to the ingesters\n");
      return;
    case TW_SIM_LOKI_FAULT_STATUS_429:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      answer_text (msg, 429, "Ingestion rate limit exceeded\n");
      return;
    case TW_SIM_LOKI_FAULT_MALFORMED:
      answer_text (msg, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":");
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "application/json", NULL);
      return;
    case TW_SIM_LOKI_FAULT_WRONG_SHAPE:
      answer_text (msg, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":{\"values\":7}}}");
      return;
    case TW_SIM_LOKI_FAULT_MATRIX:
      answer_text (msg, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
      return;
    case TW_SIM_LOKI_FAULT_ENDLESS:
      {
        static const char head[] = "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{},\"values\":[";

        soup_server_message_set_status (msg, 200, NULL);
        soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
        soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC, head, strlen (head));
        g_ptr_array_add (self->endless, msg);
        soup_server_message_pause (msg);
        g_signal_connect (msg, "finished", G_CALLBACK (endless_finished_cb), self);
        if (self->endless_id == 0)
          self->endless_id = g_timeout_add (20, endless_cb, self);
        return;
      }
    case TW_SIM_LOKI_FAULT_NONE:
    case TW_SIM_LOKI_FAULT_NO_WEBSOCKET:
    default:
      break;
    }

  if (text == NULL || *text == '\0')
    {
      answer_text (msg, 400, "query parameter is required\n");
      return;
    }
  if ((params != NULL && g_hash_table_contains (params, "start") && !parse_time (g_hash_table_lookup (params, "start"), &start))
      || (params != NULL && g_hash_table_contains (params, "end") && !parse_time (g_hash_table_lookup (params, "end"), &end)))
    {
      answer_text (msg, 400, "invalid start or end: not a number of nanoseconds or RFC 3339\n");
      return;
    }
  if (end < start)
    {
      answer_text (msg, 400, "end timestamp must not be before or equal to start time\n");
      return;
    }
  if (limit_text != NULL && !g_ascii_string_to_unsigned (limit_text, 10, 0, G_MAXUINT32, &limit, NULL))
    {
      answer_text (msg, 400, "invalid limit\n");
      return;
    }
  if (limit > MAX_LIMIT)
    {
      g_autofree char *message = g_strdup_printf ("max entries limit per query exceeded, limit > max_entries_limit (%u > %u)\n",
                                                  (guint) limit, MAX_LIMIT);
      answer_text (msg, 400, message);
      return;
    }
  if (direction != NULL && !g_str_equal (direction, "forward") && !g_str_equal (direction, "backward"))
    {
      answer_text (msg, 400, "invalid direction\n");
      return;
    }
  backward = direction == NULL || g_str_equal (direction, "backward");
  query = parse_query (text, &error);
  if (query == NULL)
    {
      g_autofree char *line = g_strconcat (error, "\n", NULL);
      answer_text (msg, 400, line);
      return;
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->ts >= start && entry->ts < end && query_matches (query, entry))
        g_ptr_array_add (found, entry);
    }
  g_ptr_array_sort (found, backward ? compare_backward : compare_forward);
  if (found->len > limit)
    g_ptr_array_set_size (found, limit);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "success");
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resultType");
  json_builder_add_string_value (builder, "streams");
  json_builder_set_member_name (builder, "result");
  build_streams (builder, found);
  json_builder_set_member_name (builder, "stats");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = builder_text (builder);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), strlen (body));
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           data)
{
  TwSimLoki *self = data;

  if (g_str_equal (path, "/ready"))
    {
      answer_text (msg, 200, "ready\n");
      return;
    }
  if (g_str_equal (path, "/loki/api/v1/tail"))
    {
      /* Reached only without the WebSocket handler (the fault), or without an upgrade. */
      self->n_tail++;
      answer_text (msg, 400, "websocket: the client is not using the websocket protocol\n");
      return;
    }
  if (!g_str_equal (path, "/loki/api/v1/query_range"))
    {
      answer_text (msg, 404, "404 page not found\n");
      return;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), "GET") != 0
      && g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      answer_text (msg, 405, "method not allowed\n");
      return;
    }
  if (!check_auth (self, msg))
    return;
  query_range (self, msg, query);
}

/* Tails */

static void tail_closed_cb (SoupWebsocketConnection *ws,
                            gpointer                 data);

static void
tail_free (gpointer data)
{
  Tail *tail = data;

  /* The server keeps the connection after the simulator has let it go (a tail
   * closing while Loki shuts down): nothing of it may call back into a freed Loki. */
  g_signal_handlers_disconnect_matched (tail->ws, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, tail_closed_cb, NULL);
  g_object_set_data (G_OBJECT (tail->ws), "tw-sim-loki", NULL);
  g_object_unref (tail->ws);
  query_free (tail->query);
  g_free (tail);
}

static void
send_entries (Tail      *tail,
              GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  if (soup_websocket_connection_get_state (tail->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "streams");
  build_streams (builder, entries);
  json_builder_set_member_name (builder, "dropped_entries");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  text = builder_text (builder);
  soup_websocket_connection_send_text (tail->ws, text);
}

static void
tail_closed_cb (SoupWebsocketConnection *ws,
                gpointer                 data)
{
  TwSimLoki *self = g_object_get_data (G_OBJECT (ws), "tw-sim-loki");

  for (guint i = 0; self != NULL && i < self->tails->len; i++)
    if (((Tail *) g_ptr_array_index (self->tails, i))->ws == ws)
      {
        g_ptr_array_remove_index (self->tails, i);
        break;
      }
}

static void
tail_cb (SoupServer              *server,
         SoupServerMessage       *msg,
         const char              *path,
         SoupWebsocketConnection *ws,
         gpointer                 data)
{
  TwSimLoki *self = data;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GHashTable) params = g_uri_get_query (uri) != NULL ? soup_form_decode (g_uri_get_query (uri)) : NULL;
  const char *text = params != NULL ? g_hash_table_lookup (params, "query") : NULL;
  const char *limit_text = params != NULL ? g_hash_table_lookup (params, "limit") : NULL;
  g_autofree char *error = NULL;
  Query *query;
  Tail *tail;
  gint64 start = g_get_real_time () * 1000 - HOUR_NS;
  guint64 limit = DEFAULT_LIMIT;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  self->n_tail++;
  query = text != NULL ? parse_query (text, &error) : NULL;
  if (query == NULL)
    {
      soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                       error != NULL ? error : "query parameter is required");
      return;
    }
  if (params != NULL && g_hash_table_contains (params, "start"))
    parse_time (g_hash_table_lookup (params, "start"), &start);
  if (limit_text != NULL)
    g_ascii_string_to_unsigned (limit_text, 10, 1, MAX_LIMIT, &limit, NULL);

  tail = g_new0 (Tail, 1);
  tail->ws = g_object_ref (ws);
  tail->query = query;
  g_object_set_data (G_OBJECT (ws), "tw-sim-loki", self);
  g_signal_connect (ws, "closed", G_CALLBACK (tail_closed_cb), NULL);
  g_ptr_array_add (self->tails, tail);

  /* The entries since start (the newest @limit of them), oldest first. */
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->ts >= start && query_matches (query, entry))
        g_ptr_array_add (found, entry);
    }
  g_ptr_array_sort (found, compare_forward);
  if (found->len > limit)
    g_ptr_array_remove_range (found, 0, found->len - limit);
  if (found->len > 0)
    send_entries (tail, found);
}

static void
set_tail_handler (TwSimLoki *self,
                  gboolean   on)
{
  if (on == self->tail_handler)
    return;
  self->tail_handler = on;
  if (on)
    soup_server_add_websocket_handler (self->server, "/loki/api/v1/tail", NULL, NULL, tail_cb, self, NULL);
  else
    soup_server_remove_handler (self->server, "/loki/api/v1/tail");
}

/* Public */

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  g_free (stream->key);
  g_hash_table_unref (stream->labels);
  g_free (stream);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->line);
  g_free (entry);
}

TwSimLoki *
tw_sim_loki_new (void)
{
  TwSimLoki *self = g_new0 (TwSimLoki, 1);

  self->streams = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, stream_free);
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  self->tails = g_ptr_array_new_with_free_func (tail_free);
  self->endless = g_ptr_array_new ();
  return self;
}

gboolean
tw_sim_loki_start (TwSimLoki  *self,
                   guint       port,
                   GError    **error)
{
  GSList *uris;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  self->server = soup_server_new ("server-header", "Loki", NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  set_tail_handler (self, TRUE);
  if (!soup_server_listen (self->server, address, 0, error))
    return FALSE;
  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

const char *
tw_sim_loki_get_url (TwSimLoki *self)
{
  return self->url;
}

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

void
tw_sim_loki_push (TwSimLoki  *self,
                  gint64      time_ns,
                  const char *labels,
                  const char *line)
{
  g_auto(GStrv) pairs = g_strsplit (labels != NULL ? labels : "", ",", -1);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autofree char *key = NULL;
  Stream *stream;
  Entry *entry;
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  for (guint i = 0; pairs[i] != NULL; i++)
    if (strchr (pairs[i], '=') != NULL)
      g_ptr_array_add (sorted, pairs[i]);
  g_ptr_array_sort (sorted, compare_pairs);
  g_ptr_array_add (sorted, NULL);
  key = g_strjoinv (",", (char **) sorted->pdata);
  stream = g_hash_table_lookup (self->streams, key);
  if (stream == NULL)
    {
      stream = g_new0 (Stream, 1);
      stream->key = g_strdup (key);
      stream->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; i + 1 < sorted->len; i++)
        {
          const char *pair = g_ptr_array_index (sorted, i);
          const char *eq = strchr (pair, '=');

          g_hash_table_insert (stream->labels, g_strndup (pair, eq - pair), g_strdup (eq + 1));
        }
      g_hash_table_insert (self->streams, stream->key, stream);
    }
  entry = g_new0 (Entry, 1);
  entry->ts = time_ns > 0 ? time_ns : g_get_real_time () * 1000;
  entry->stream = stream;
  entry->line = g_strdup (line);
  g_ptr_array_add (self->entries, entry);

  g_ptr_array_add (one, entry);
  for (guint i = 0; i < self->tails->len; i++)
    {
      Tail *tail = g_ptr_array_index (self->tails, i);

      if (query_matches (tail->query, entry))
        send_entries (tail, one);
    }
}

void
tw_sim_loki_set_fault (TwSimLoki      *self,
                       TwSimLokiFault  fault)
{
  self->fault = fault;
  set_tail_handler (self, fault != TW_SIM_LOKI_FAULT_NO_WEBSOCKET);
  if (fault != TW_SIM_LOKI_FAULT_ENDLESS)
    g_clear_handle_id (&self->endless_id, g_source_remove);
}

void
tw_sim_loki_set_auth (TwSimLoki  *self,
                      const char *tenant,
                      const char *token)
{
  g_free (self->tenant);
  self->tenant = g_strdup (tenant);
  g_free (self->token);
  self->token = g_strdup (token);
}

void
tw_sim_loki_send_raw (TwSimLoki  *self,
                      const char *text)
{
  for (guint i = 0; i < self->tails->len; i++)
    {
      Tail *tail = g_ptr_array_index (self->tails, i);

      if (soup_websocket_connection_get_state (tail->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (tail->ws, text);
    }
}

void
tw_sim_loki_close_tails (TwSimLoki *self)
{
  g_autoptr(GPtrArray) tails = g_steal_pointer (&self->tails);

  self->tails = g_ptr_array_new_with_free_func (tail_free);
  for (guint i = 0; i < tails->len; i++)
    {
      Tail *tail = g_ptr_array_index (tails, i);

      if (soup_websocket_connection_get_state (tail->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (tail->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "Loki is shutting down");
    }
}

guint
tw_sim_loki_get_n_tails (TwSimLoki *self)
{
  guint n = 0;

  for (guint i = 0; i < self->tails->len; i++)
    if (soup_websocket_connection_get_state (((Tail *) g_ptr_array_index (self->tails, i))->ws)
        == SOUP_WEBSOCKET_STATE_OPEN)
      n++;
  return n;
}

guint
tw_sim_loki_get_n_requests (TwSimLoki  *self,
                            const char *endpoint)
{
  if (g_strcmp0 (endpoint, "query_range") == 0)
    return self->n_range;
  if (g_strcmp0 (endpoint, "tail") == 0)
    return self->n_tail;
  return 0;
}

void
tw_sim_loki_free (TwSimLoki *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->endless_id, g_source_remove);
  tw_sim_loki_close_tails (self);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_ptr_array_unref (self->endless);
  g_ptr_array_unref (self->tails);
  g_ptr_array_unref (self->entries);
  g_hash_table_unref (self->streams);
  g_free (self->url);
  g_free (self->tenant);
  g_free (self->token);
  g_free (self);
}
