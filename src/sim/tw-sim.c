/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim.h"
#include "tw-sim-private.h"
#include "tw-sim-keys.h"
#include "tw-sim-risk.h"
#include "tw-error.h"

#include <string.h>

#define PADDING_SIZE (16 * 1024 * 1024)

typedef struct
{
  TwSim             *sim;      /* unowned */
  const TwSimFlavor *flavor;
  SoupServer        *server;
  char              *url;
} FlavorServer;

struct _TwSim
{
  GObject       parent_instance;

  TwSimFirm    *firm;
  TwSimFaults  *faults;
  TwSimLog     *log;
  GMainContext *context;
  GPtrArray    *servers;       /* FlavorServer, while started */
  GList        *pending;       /* TwSimRequest waiting on a delay */
  GBytes       *padding;

  char        **api_keys;
  char         *live_trading_key;
  char         *alpaca_key_id;
  char         *alpaca_secret;
  TwSimKeys    *keys;          /* per-flavor key sets (/_sim/keys) */
};

G_DEFINE_FINAL_TYPE (TwSim, tw_sim, G_TYPE_OBJECT)

static const TwSimFlavor * const flavors[] = {
  &tw_sim_flavor_investiq,
  &tw_sim_flavor_ibkr_assistant,
  &tw_sim_flavor_ai_trading,
  &tw_sim_flavor_autotrader,
  &tw_sim_flavor_alpaca,
  &tw_sim_flavor_ofrep,   /* feature flags: not a trading system, not in TW_SIM_FLAVORS */
  &tw_sim_flavor_rate_gate,   /* 001's rate gate: a second address, not in TW_SIM_FLAVORS */
  &tw_sim_flavor_ml_service,  /* 000's ML service: likewise */
  NULL
};

const TwSimFlavor * const *
tw_sim_flavors (void)
{
  return flavors;
}

const TwSimFlavor *
tw_sim_flavor_lookup (const char *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; flavors[i] != NULL; i++)
    if (g_str_equal (flavors[i]->name, name))
      return flavors[i];
  return NULL;
}

static void
flavor_server_free (gpointer data)
{
  FlavorServer *fs = data;

  soup_server_disconnect (fs->server);
  g_clear_object (&fs->server);
  g_free (fs->url);
  g_free (fs);
}

static void
tw_sim_dispose (GObject *object)
{
  tw_sim_stop (TW_SIM (object));

  G_OBJECT_CLASS (tw_sim_parent_class)->dispose (object);
}

static void
tw_sim_finalize (GObject *object)
{
  TwSim *self = TW_SIM (object);

  g_clear_pointer (&self->firm, tw_sim_firm_free);
  g_clear_pointer (&self->faults, tw_sim_faults_free);
  g_clear_pointer (&self->log, tw_sim_log_free);
  g_clear_pointer (&self->padding, g_bytes_unref);
  g_clear_pointer (&self->api_keys, g_strfreev);
  g_clear_pointer (&self->live_trading_key, g_free);
  g_clear_pointer (&self->alpaca_key_id, g_free);
  g_clear_pointer (&self->alpaca_secret, g_free);
  g_clear_pointer (&self->keys, tw_sim_keys_free);

  G_OBJECT_CLASS (tw_sim_parent_class)->finalize (object);
}

static void
tw_sim_class_init (TwSimClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_sim_dispose;
  object_class->finalize = tw_sim_finalize;
}

static void
tw_sim_init (TwSim *self)
{
  self->firm = tw_sim_firm_new ();
  self->faults = tw_sim_faults_new ();
  self->log = tw_sim_log_new ();
  self->keys = tw_sim_keys_new ();

  for (guint i = 0; flavors[i] != NULL; i++)
    for (const TwSimComponentSpec *c = flavors[i]->components; c->name != NULL; c++)
      tw_sim_firm_add_component (self->firm, flavors[i]->name, c->name,
                                 flavors[i]->levels[TW_SIM_LEVEL_OK], c->message,
                                 c->latency_ms);
}

TwSim *
tw_sim_new (void)
{
  return g_object_new (TW_TYPE_SIM, NULL);
}

static char *
env_or (const char *name,
        const char *fallback)
{
  const char *value = g_getenv (name);

  return g_strdup (value != NULL && *value != '\0' ? value : fallback);
}

static void
load_credentials (TwSim *self)
{
  const char *keys = g_getenv ("API_KEYS");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (keys != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (keys, ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_strstrip (parts[i]);
          if (parts[i][0] != '\0')
            g_strv_builder_add (builder, parts[i]);
        }
    }
  g_clear_pointer (&self->api_keys, g_strfreev);
  self->api_keys = g_strv_builder_end (builder);
  if (self->api_keys[0] == NULL)
    {
      g_strfreev (self->api_keys);
      self->api_keys = g_strdupv ((char *[]) { (char *) TW_SIM_DEMO_API_KEY, NULL });
    }

  g_free (self->live_trading_key);
  self->live_trading_key = env_or ("LIVE_TRADING_KEY", TW_SIM_DEMO_LIVE_TRADING_KEY);
  g_free (self->alpaca_key_id);
  self->alpaca_key_id = env_or ("ALPACA_API_KEY", TW_SIM_DEMO_ALPACA_KEY_ID);
  g_free (self->alpaca_secret);
  self->alpaca_secret = env_or ("ALPACA_SECRET_KEY", TW_SIM_DEMO_ALPACA_SECRET);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FlavorServer *fs = user_data;
  TwSim *self = fs->sim;
  TwSimRequest *req;
  GUri *uri = soup_server_message_get_uri (msg);

  if (g_str_equal (path, "/_sim") || g_str_has_prefix (path, "/_sim/"))
    {
      tw_sim_control_handle (self, fs->flavor, msg, path, query);
      return;
    }

  req = g_new0 (TwSimRequest, 1);
  req->sim = self;
  req->firm = self->firm;
  req->flavor = fs->flavor;
  req->msg = g_object_ref (msg);
  req->method = g_strdup (soup_server_message_get_method (msg));
  req->path = g_strdup (path);
  req->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (query != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (req->query, g_strdup (key), g_strdup (value));
    }
  req->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  req->entry = tw_sim_log_append (self->log, fs->flavor->name, req->method, path,
                                  g_uri_get_query (uri));
  req->fault = tw_sim_faults_take_match (self->faults, fs->flavor->name, req->method, path);

  tw_sim_request_begin (req);
}

/* Constant time in the length of @given, so timing does not tell how much of a key matched. */
static gboolean
secret_equal (const char *expected,
              const char *given)
{
  gsize le = strlen (expected), lg = strlen (given);
  guchar diff = le != lg;

  if (le == 0)
    return FALSE;
  for (gsize i = 0; i < lg; i++)
    diff |= (guchar) given[i] ^ (guchar) expected[i % le];
  return diff == 0;
}

gboolean
_tw_sim_check_api_key (TwSim      *self,
                       const char *flavor,
                       const char *key)
{
  gboolean ok = FALSE;

  if (tw_sim_keys_check_api_key (self->keys, flavor, key, &ok))
    return ok;

  for (guint i = 0; self->api_keys[i] != NULL; i++)
    ok |= secret_equal (self->api_keys[i], key);
  return ok;
}

gboolean
_tw_sim_check_alpaca (TwSim      *self,
                      const char *flavor,
                      const char *key_id,
                      const char *secret)
{
  gboolean own_ok;
  gboolean id_ok = secret_equal (self->alpaca_key_id, key_id);
  gboolean secret_ok = secret_equal (self->alpaca_secret, secret);

  if (tw_sim_keys_check_alpaca (self->keys, flavor, key_id, secret, &own_ok))
    return own_ok;

  return id_ok && secret_ok;
}

TwSimKeys *
_tw_sim_get_keys (TwSim *self)
{
  return self->keys;
}

TwSimFirm *
_tw_sim_get_firm (TwSim *self)
{
  return self->firm;
}

TwSimFaults *
_tw_sim_get_faults (TwSim *self)
{
  return self->faults;
}

TwSimLog *
_tw_sim_get_log (TwSim *self)
{
  return self->log;
}

GMainContext *
_tw_sim_get_context (TwSim *self)
{
  return self->context;
}

GBytes *
_tw_sim_get_padding (TwSim *self,
                     gsize  len)
{
  g_return_val_if_fail (len <= PADDING_SIZE && len % 2 == 0, NULL);

  if (self->padding == NULL)
    {
      char *data = g_malloc (PADDING_SIZE);

      for (gsize i = 0; i < PADDING_SIZE; i += 2)
        {
          data[i] = '0';
          data[i + 1] = ',';
        }
      self->padding = g_bytes_new_take (data, PADDING_SIZE);
    }

  return g_bytes_new_from_bytes (self->padding, 0, len);
}

void
_tw_sim_add_pending (TwSim        *self,
                     TwSimRequest *req)
{
  self->pending = g_list_prepend (self->pending, req);
}

void
_tw_sim_remove_pending (TwSim        *self,
                        TwSimRequest *req)
{
  self->pending = g_list_remove (self->pending, req);
}

gboolean
tw_sim_start (TwSim    *self,
              guint     base_port,
              GError  **error)
{
  g_return_val_if_fail (TW_IS_SIM (self), FALSE);
  g_return_val_if_fail (self->servers == NULL, FALSE);

  if (base_port > 65536 - (G_N_ELEMENTS (flavors) - 1))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "The simulator cannot start at port %u: it needs %u ports from there. "
                   "Choose a base port below %u, or 0 for any free ports",
                   base_port, (guint) G_N_ELEMENTS (flavors) - 1,
                   65536 - ((guint) G_N_ELEMENTS (flavors) - 1));
      return FALSE;
    }

  load_credentials (self);
  self->context = g_main_context_ref_thread_default ();
  self->servers = g_ptr_array_new_with_free_func (flavor_server_free);

  for (guint i = 0; flavors[i] != NULL; i++)
    {
      FlavorServer *fs = g_new0 (FlavorServer, 1);
      g_autoptr(GError) local_error = NULL;
      GSList *uris;
      guint port = base_port != 0 ? base_port + i : 0;

      fs->sim = self;
      fs->flavor = flavors[i];
      fs->server = g_object_new (SOUP_TYPE_SERVER,
                                 "server-header", flavors[i]->server_header,
                                 NULL);
      g_ptr_array_add (self->servers, fs);
      soup_server_add_handler (fs->server, NULL, server_callback, fs, NULL);

      if (!soup_server_listen_local (fs->server, port, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                     &local_error))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                       "The simulator could not listen on 127.0.0.1:%u for %s: %s. "
                       "Choose another base port, or 0 for any free port",
                       port, flavors[i]->name, local_error->message);
          tw_sim_stop (self);
          return FALSE;
        }

      uris = soup_server_get_uris (fs->server);
      g_assert (uris != NULL);
      fs->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
      g_debug ("%s listening on %s", flavors[i]->name, fs->url);
    }

  /* risk controls: the Autotrader breakers' clock */
  tw_sim_risk_start (tw_sim_firm_get_risk (self->firm), self->context);

  return TRUE;
}

void
tw_sim_stop (TwSim *self)
{
  g_return_if_fail (TW_IS_SIM (self));

  if (self->firm != NULL)
    tw_sim_risk_stop (tw_sim_firm_get_risk (self->firm));
  g_list_free_full (g_steal_pointer (&self->pending), (GDestroyNotify) tw_sim_request_free);
  g_clear_pointer (&self->servers, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}

const char *
tw_sim_get_url (TwSim      *self,
                const char *flavor)
{
  g_return_val_if_fail (TW_IS_SIM (self), NULL);

  if (self->servers == NULL || flavor == NULL)
    return NULL;
  /* The demo's Loki (tw-sim-demo-logs.c) */
  if (g_str_equal (flavor, "loki"))
    return g_object_get_data (G_OBJECT (self), "tw-sim-loki-url");
  for (guint i = 0; i < self->servers->len; i++)
    {
      FlavorServer *fs = g_ptr_array_index (self->servers, i);

      if (g_str_equal (fs->flavor->name, flavor))
        return fs->url;
    }
  return NULL;
}

const char *
tw_sim_get_credential (TwSim      *self,
                       const char *name)
{
  g_return_val_if_fail (TW_IS_SIM (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->api_keys == NULL)
    load_credentials (self);

  if (g_str_equal (name, "api_key"))
    return self->api_keys[0];
  if (g_str_equal (name, "live_trading_key"))
    return self->live_trading_key;
  if (g_str_equal (name, "alpaca_key_id"))
    return self->alpaca_key_id;
  if (g_str_equal (name, "alpaca_secret"))
    return self->alpaca_secret;
  return NULL;
}

guint
tw_sim_get_n_requests (TwSim *self)
{
  g_return_val_if_fail (TW_IS_SIM (self), 0);

  return tw_sim_log_get_total (self->log);
}
