/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-fixture-server.h"

#include <libsoup/soup.h>
#include <string.h>

typedef struct
{
  char               *method;
  char               *path;
  SoupMessageHeaders *headers;
  GBytes             *body;
} Request;

/* The server runs on a thread of its own, so that a test may call it with a blocking
 * client as well as through the console's own main loop. */
struct _TwFixtureServer
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;     /* the thread's */
  char         *url;
  GPtrArray    *fixtures;   /* TwFixture, read-only once loaded */
  GMutex        lock;       /* for requests and url */
  GCond         ready;
  GPtrArray    *requests;   /* Request */
};

static void
fixture_free (gpointer data)
{
  TwFixture *fixture = data;

  g_free (fixture->file);
  g_free (fixture->source);
  g_free (fixture->method);
  g_free (fixture->path);
  g_clear_pointer (&fixture->body, json_node_unref);
  g_free (fixture->content_type);
  g_free (fixture);
}

static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->method);
  g_free (request->path);
  soup_message_headers_unref (request->headers);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

static TwFixture *
fixture_load (const char *dir,
              const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  TwFixture *fixture;
  JsonObject *object;

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("fixture %s: %s", path, error->message);
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    g_error ("fixture %s: not a JSON object", path);
  object = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (object, "source") || !json_object_has_member (object, "method") ||
      !json_object_has_member (object, "path"))
    g_error ("fixture %s: needs \"source\", \"method\" and \"path\"", path);

  fixture = g_new0 (TwFixture, 1);
  fixture->file = g_strdup (name);
  fixture->source = g_strdup (json_object_get_string_member (object, "source"));
  fixture->method = g_ascii_strup (json_object_get_string_member (object, "method"), -1);
  fixture->path = g_strdup (json_object_get_string_member (object, "path"));
  fixture->status = json_object_get_int_member_with_default (object, "status", 200);
  fixture->partial = json_object_get_boolean_member_with_default (object, "partial", FALSE);
  if (json_object_has_member (object, "body"))
    fixture->body = json_node_copy (json_object_get_member (object, "body"));
  /* A text answer (Prometheus): "body" is the text itself, served as it is. */
  fixture->content_type = g_strdup (json_object_get_string_member_with_default (object, "content_type", NULL));
  if (fixture->content_type != NULL &&
      (fixture->body == NULL || json_node_get_value_type (fixture->body) != G_TYPE_STRING))
    g_error ("fixture %s: with \"content_type\", \"body\" must be the answer's text", path);
  return fixture;
}

static int
compare_fixtures (gconstpointer a,
                  gconstpointer b)
{
  const TwFixture *fa = *(const TwFixture * const *) a;
  const TwFixture *fb = *(const TwFixture * const *) b;

  return strcmp (fa->file, fb->file);
}

const TwFixture *
tw_fixture_server_lookup (TwFixtureServer *self,
                          const char      *method,
                          const char      *path)
{
  for (guint i = 0; i < self->fixtures->len; i++)
    {
      const TwFixture *fixture = g_ptr_array_index (self->fixtures, i);

      if (g_ascii_strcasecmp (fixture->method, method) == 0 && g_str_equal (fixture->path, path))
        return fixture;
    }
  return NULL;
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TwFixtureServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const TwFixture *fixture;
  Request *request;

  request = g_new0 (Request, 1);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->headers = soup_message_headers_ref (soup_server_message_get_request_headers (msg));
  request->body = soup_message_body_flatten (body);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->requests, request);
  g_mutex_unlock (&self->lock);

  fixture = tw_fixture_server_lookup (self, method, path);
  if (fixture == NULL)
    {
      static const char not_found[] = "{\"detail\": \"Not Found\"}";

      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        not_found, strlen (not_found));
      return;
    }

  soup_server_message_set_status (msg, fixture->status, NULL);
  if (fixture->content_type != NULL)
    {
      const char *text = json_node_get_string (fixture->body);

      soup_server_message_set_response (msg, fixture->content_type, SOUP_MEMORY_COPY,
                                        text, strlen (text));
    }
  else if (fixture->body != NULL)
    {
      g_autofree char *text = json_to_string (fixture->body, FALSE);
      gsize length = strlen (text);

      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                        g_steal_pointer (&text), length);
    }
}

static gpointer
server_thread (gpointer data)
{
  TwFixtureServer *self = data;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("fixture server: %s", error->message);
  uris = soup_server_get_uris (self->server);
  g_assert_nonnull (uris);

  g_mutex_lock (&self->lock);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

TwFixtureServer *
tw_fixture_server_new (const char *system)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "fixtures", "runbooks", system, NULL);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  TwFixtureServer *self;
  const char *name;

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);

  self = g_new0 (TwFixtureServer, 1);
  self->fixtures = g_ptr_array_new_with_free_func (fixture_free);
  self->requests = g_ptr_array_new_with_free_func (request_free);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (self->fixtures, fixture_load (dir, name));
  g_ptr_array_sort (self->fixtures, compare_fixtures);
  g_assert_cmpuint (self->fixtures->len, >, 0);

  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_lock (&self->lock);
  self->thread = g_thread_new ("fixture-server", server_thread, self);
  while (self->url == NULL)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
tw_fixture_server_free (TwFixtureServer *self)
{
  if (self == NULL)
    return;
  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->fixtures);
  g_ptr_array_unref (self->requests);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self->url);
  g_free (self);
}

const char *
tw_fixture_server_get_url (TwFixtureServer *self)
{
  return self->url;
}

GPtrArray *
tw_fixture_server_get_fixtures (TwFixtureServer *self)
{
  return self->fixtures;
}

static Request *
last_request (TwFixtureServer *self,
              const char      *method,
              const char      *path)
{
  for (guint i = self->requests->len; i > 0; i--)
    {
      Request *request = g_ptr_array_index (self->requests, i - 1);

      if (g_ascii_strcasecmp (request->method, method) == 0 && g_str_equal (request->path, path))
        return request;
    }
  return NULL;
}

guint
tw_fixture_server_count (TwFixtureServer *self,
                         const char      *method,
                         const char      *path)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  guint n = 0;

  for (guint i = 0; i < self->requests->len; i++)
    {
      Request *request = g_ptr_array_index (self->requests, i);

      if (g_ascii_strcasecmp (request->method, method) == 0 && g_str_equal (request->path, path))
        n++;
    }
  return n;
}

const char *
tw_fixture_server_last_header (TwFixtureServer *self,
                               const char      *method,
                               const char      *path,
                               const char      *name)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  Request *request = last_request (self, method, path);

  /* Requests are never removed: the headers outlive the lock. */
  return request != NULL ? soup_message_headers_get_one (request->headers, name) : NULL;
}

JsonNode *
tw_fixture_server_last_body (TwFixtureServer *self,
                             const char      *method,
                             const char      *path)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  Request *request = last_request (self, method, path);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonNode *node;
  gsize length = 0;
  const char *data;

  if (request == NULL || request->body == NULL)
    return NULL;
  data = g_bytes_get_data (request->body, &length);
  if (length == 0)
    return NULL;
  text = g_strndup (data, length);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  return node;
}

static const char *
type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return "boolean";
    case G_TYPE_STRING:
      return "string";
    default:
      return "number";
    }
}

void
tw_fixture_assert_same_shape (JsonNode   *expected,
                              JsonNode   *actual,
                              const char *where)
{
  const char *want = type_name (expected);
  const char *got = type_name (actual);

  if (!g_str_equal (want, got))
    g_error ("%s: the runbook has a %s, the answer a %s", where, want, got);

  if (JSON_NODE_HOLDS_OBJECT (expected))
    {
      JsonObject *e = json_node_get_object (expected);
      JsonObject *a = json_node_get_object (actual);
      g_autoptr(GList) members = json_object_get_members (e);

      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *inner = g_strdup_printf ("%s.%s", where, (const char *) l->data);

          if (!json_object_has_member (a, l->data))
            g_error ("%s: in the runbook, missing from the answer", inner);
          tw_fixture_assert_same_shape (json_object_get_member (e, l->data),
                                        json_object_get_member (a, l->data), inner);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (expected))
    {
      JsonArray *e = json_node_get_array (expected);
      JsonArray *a = json_node_get_array (actual);

      if (json_array_get_length (e) == 0)
        return;
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          g_autofree char *inner = g_strdup_printf ("%s[%u]", where, i);

          tw_fixture_assert_same_shape (json_array_get_element (e, 0),
                                        json_array_get_element (a, i), inner);
        }
    }
}
