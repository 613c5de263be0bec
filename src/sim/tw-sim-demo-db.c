/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The simulated firm's SQLite databases (see tw-sim-demo-db.h). */
#include "config.h"

#include "tw-sim-demo-db.h"

#include <errno.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "tw-error.h"
#include "tw-sim-private.h"
#include "tw-sim-risk.h"

#define DEFAULT_INTERVAL_MS 2000
#define SEED_TRADES         240
#define SEED_EVENTS         120

/* 000's tables and the columns its queries name (Dependency Health Checks: trades,
 * positions, backtest_results, trade_outcomes; Analyze Trade History; audit_log's
 * timestamp, action, user_id, details, api_key). Times are SQLite's "YYYY-MM-DD HH:MM:SS"
 * (UTC), so the runbook's "timestamp > datetime('now', '-1 day')" works. The other
 * columns are assumed. */
static const char *investiq_schema =
  "PRAGMA journal_mode=WAL;"
  "CREATE TABLE IF NOT EXISTS trades ("
  "  id INTEGER PRIMARY KEY, trade_id TEXT NOT NULL UNIQUE, symbol TEXT NOT NULL,"
  "  side TEXT NOT NULL CHECK (side IN ('buy','sell')), quantity REAL NOT NULL,"
  "  entry_price REAL NOT NULL, entry_date TEXT NOT NULL, exit_date TEXT, strategy TEXT,"
  "  created_at TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS trades_symbol ON trades (symbol, created_at);"
  "CREATE TABLE IF NOT EXISTS positions ("
  "  id INTEGER PRIMARY KEY, symbol TEXT NOT NULL UNIQUE, quantity REAL NOT NULL,"
  "  entry_price REAL NOT NULL, updated_at TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS backtest_results ("
  "  id INTEGER PRIMARY KEY, strategy TEXT NOT NULL, sharpe_ratio REAL, total_return REAL,"
  "  created_at TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS trade_outcomes ("
  "  id INTEGER PRIMARY KEY, symbol TEXT NOT NULL, entry_date TEXT, exit_date TEXT,"
  "  profit_loss REAL NOT NULL, outcome TEXT CHECK (outcome IN ('win','loss')),"
  "  predicted_profitable INTEGER, confidence REAL, actual_profitable INTEGER,"
  "  timestamp TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS audit_log ("
  "  id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, action TEXT NOT NULL,"
  "  user_id TEXT NOT NULL, details TEXT, api_key TEXT);";

/* The IBKR assistant's data/audit.db: 003 counts and orders its table "events" ("Database
 * Recovery": SELECT COUNT(*) FROM events; ... ORDER BY timestamp DESC) and appends
 * AuditEvent(type, correlation_id, timestamp, data) ("Stuck Order Resolution", step 4);
 * the columns follow those fields (assumed). */
static const char *audit_schema =
  "PRAGMA journal_mode=WAL;"
  "CREATE TABLE IF NOT EXISTS events ("
  "  id INTEGER PRIMARY KEY, type TEXT NOT NULL, correlation_id TEXT NOT NULL,"
  "  timestamp TEXT NOT NULL, data TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS events_correlation ON events (correlation_id);";

typedef struct
{
  const char *symbol;
  double      price;
} Quote;

static const Quote start_quotes[] = {
  { "AAPL", 189.52 }, { "MSFT", 415.26 }, { "NVDA", 875.34 }, { "AMZN", 178.12 },
  { "GOOGL", 152.41 }, { "META", 498.73 }, { "TSLA", 175.88 }, { "SPY", 520.31 },
  { "QQQ", 440.07 }, { "AMD", 160.24 }, { "JPM", 198.65 }, { "XOM", 118.43 },
};

static const char * const strategies[] = { "momentum", "mean_reversion", "breakout", "pairs" };

/* Process-wide: the data directory and how many simulators use it. */
static GMutex global_lock;
static char *dir_override;
static char *temp_dir;
static guint n_attached;
static guint interval_ms = DEFAULT_INTERVAL_MS;

/* One batch of statements per database, or the writer's stop mark. */
typedef struct
{
  gboolean   stop;
  GPtrArray *investiq;   /* char *, NULL when InvestIQ is halted */
  GPtrArray *audit;      /* char *, NULL while the kill switch is on */
} Batch;

typedef struct
{
  TwSim       *sim;            /* unowned: we are its data */
  GSource     *timer;
  GAsyncQueue *queue;
  GThread     *writer;
  char        *dir;
  char        *investiq_path;
  char        *audit_path;
  GRand       *rand;
  double       prices[G_N_ELEMENTS (start_quotes)];
  guint64      next_trade;
  guint64      last_seq_investiq;
  guint64      last_seq_ibkr;
  GHashTable  *seen_outcomes;
} DemoDb;

static void
batch_free (Batch *batch)
{
  g_clear_pointer (&batch->investiq, g_ptr_array_unref);
  g_clear_pointer (&batch->audit, g_ptr_array_unref);
  g_free (batch);
}

void
tw_sim_set_data_dir (const char *dir)
{
  g_mutex_lock (&global_lock);
  g_free (dir_override);
  dir_override = g_strdup (dir);
  g_mutex_unlock (&global_lock);
}

void
tw_sim_demo_db_set_interval (guint ms)
{
  g_mutex_lock (&global_lock);
  interval_ms = ms > 0 ? ms : DEFAULT_INTERVAL_MS;
  g_mutex_unlock (&global_lock);
}

static const char *
data_dir_locked (void)
{
  const char *env = g_getenv ("TW_SIM_DATA_DIR");

  if (env != NULL && *env != '\0')
    return env;
  if (dir_override != NULL)
    return dir_override;
  if (temp_dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      temp_dir = g_dir_make_tmp ("tradewarden-demo-XXXXXX", &error);
      if (temp_dir == NULL)
        {
          g_warning ("Could not make a directory for the demo databases: %s", error->message);
          temp_dir = g_build_filename (g_get_tmp_dir (), "tradewarden-demo", NULL);
        }
    }
  return temp_dir;
}

const char *
tw_sim_get_data_dir (void)
{
  const char *dir;

  g_mutex_lock (&global_lock);
  dir = data_dir_locked ();
  g_mkdir_with_parents (dir, 0700);
  g_mutex_unlock (&global_lock);
  return dir;
}

/* SQLite's own format, as datetime('now') writes it (UTC). */
static char *
sql_time (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
}

static char *
iso_time (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) precise = g_date_time_add (time, time_us % G_USEC_PER_SEC);

  return g_date_time_format (precise, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* sqlite3_mprintf into a GLib string. */
static char *
sql_printf (const char *format,
            ...)
{
  va_list args;
  char *sql;
  char *copy;

  va_start (args, format);
  sql = sqlite3_vmprintf (format, args);
  va_end (args);
  copy = g_strdup (sql);
  sqlite3_free (sql);
  return copy;
}

static char *
make_trade (DemoDb *self,
            gint64  time_us)
{
  guint i = g_rand_int_range (self->rand, 0, G_N_ELEMENTS (start_quotes));
  double qty = g_rand_int_range (self->rand, 1, 40) * (g_rand_boolean (self->rand) ? 5 : 1);
  const char *side = g_rand_boolean (self->rand) ? "buy" : "sell";
  g_autofree char *when = sql_time (time_us);
  g_autofree char *trade_id = g_strdup_printf ("T%08" G_GUINT64_FORMAT, ++self->next_trade);
  double price;

  /* A small random walk, rounded to the cent. */
  self->prices[i] *= 1.0 + g_rand_double_range (self->rand, -0.004, 0.004);
  price = ((gint64) (self->prices[i] * 100 + 0.5)) / 100.0;

  return sql_printf ("INSERT INTO trades (trade_id, symbol, side, quantity, entry_price, "
                     "entry_date, strategy, created_at) VALUES (%Q, %Q, %Q, %.0f, %.2f, %Q, %Q, %Q)",
                     trade_id, start_quotes[i].symbol, side, qty, price, when,
                     strategies[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (strategies))],
                     when);
}

static char *
make_investiq_event (gint64      time_us,
                     const char *method,
                     const char *path,
                     gint64      status)
{
  g_autofree char *when = sql_time (time_us);
  g_autofree char *details = NULL;
  const char *event = "api_request";

  if (g_str_has_prefix (path, "/api/risk/trading-halt"))
    event = "trading_halt_changed";
  else if (g_str_has_prefix (path, "/api/risk/parameters") && g_str_equal (method, "PUT"))
    event = "risk_parameters_changed";
  else if (g_str_has_prefix (path, "/api/broker/close"))
    event = "position_closed";
  else if (g_str_has_prefix (path, "/api/broker/execute"))
    event = "order_submitted";

  details = g_strdup_printf ("%s %s %" G_GINT64_FORMAT, method, path, status);
  return sql_printf ("INSERT INTO audit_log (timestamp, action, user_id, details, api_key) "
                     "VALUES (%Q, %Q, 'api', %Q, 'demo…')",
                     when, event, details);
}

static char *
make_ibkr_event (gint64      time_us,
                 const char *method,
                 const char *path,
                 gint64      status)
{
  g_autofree char *when = iso_time (time_us);
  g_autofree char *correlation = g_uuid_string_random ();
  g_autofree char *data = NULL;
  g_autofree char *escaped_path = g_strescape (path, NULL);  /* URL paths: ASCII */
  const char *event = "ApiRequest";

  /* The runbook's types are CamelCase (ProposalCreated, OrderSubmitted,
   * OrderManualCancellation…); these are assumed in that style. */
  if (g_str_has_suffix (path, "/kill-switch/activate") && g_str_equal (method, "POST"))
    event = "KillSwitchActivated";
  else if (g_str_has_suffix (path, "/kill-switch/deactivate") && g_str_equal (method, "POST"))
    event = "KillSwitchDeactivated";
  else if (strstr (path, "/feature-flags/") != NULL && g_str_equal (method, "POST"))
    event = "FeatureFlagChanged";
  else if (strstr (path, "/orders") != NULL && g_str_has_suffix (path, "/cancel"))
    event = "OrderCancelled";
  else if (strstr (path, "/approvals") != NULL && g_str_has_suffix (path, "/invalidate"))
    event = "ApprovalInvalidated";

  data = g_strdup_printf ("{\"method\": \"%s\", \"path\": \"%s\", \"status\": %lld}",
                          method, escaped_path, (long long) status);
  return sql_printf ("INSERT INTO events (type, correlation_id, timestamp, data) "
                     "VALUES (%Q, %Q, %Q, %Q)", event, correlation, when, data);
}

/* Runs @sql on @path in one transaction (WAL, a short busy wait). */
static gboolean
exec_on (const char  *path,
         const char  *sql,
         GError     **error)
{
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 2000);
      rc = sqlite3_exec (db, sql, NULL, NULL, &message);
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_DATABASE, "The demo database “%s” could not be written: %s",
                   path, message != NULL ? message : sqlite3_errmsg (db));
      if (db != NULL)
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    }
  sqlite3_free (message);
  sqlite3_close (db);
  return rc == SQLITE_OK;
}

static gboolean
write_statements (const char *path,
                  GPtrArray  *statements)
{
  g_autoptr(GString) sql = g_string_new ("BEGIN IMMEDIATE;");
  g_autoptr(GError) error = NULL;

  if (statements == NULL || statements->len == 0)
    return TRUE;
  for (guint i = 0; i < statements->len; i++)
    {
      g_string_append (sql, g_ptr_array_index (statements, i));
      g_string_append_c (sql, ';');
    }
  g_string_append (sql, "COMMIT;");
  if (!exec_on (path, sql->str, &error))
    {
      g_debug ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static gpointer
writer_main (gpointer data)
{
  DemoDb *self = data;

  for (;;)
    {
      Batch *batch = g_async_queue_pop (self->queue);
      gboolean stop = batch->stop;

      write_statements (self->investiq_path, batch->investiq);
      write_statements (self->audit_path, batch->audit);
      batch_free (batch);
      if (stop)
        break;
    }
  return NULL;
}

/* Appends request-log entries of @flavor newer than *@last_seq that have an answer. */
static void
gather_requests (TwSimLog   *log,
                 const char *flavor,
                 guint64    *last_seq,
                 GPtrArray  *out,
                 char     *(*make) (gint64, const char *, const char *, gint64))
{
  g_autoptr(JsonNode) node = tw_sim_log_to_json (log, flavor, 0, 0);
  JsonArray *array = json_node_get_array (node);
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      guint64 seq = json_object_get_int_member (entry, "seq");
      gint64 status = json_object_get_int_member (entry, "status");
      gint64 time_us = json_object_get_int_member (entry, "time_us");

      if (seq <= *last_seq)
        continue;
      /* Wait for the answer (a dropped connection never gets one: 10 s). */
      if (status == 0 && now - time_us < 10 * G_USEC_PER_SEC)
        break;
      *last_seq = seq;
      g_ptr_array_add (out, make (time_us, json_object_get_string_member (entry, "method"),
                                  json_object_get_string_member (entry, "path"), status));
    }
}

static gboolean
tick_cb (gpointer data)
{
  DemoDb *self = data;
  TwSimFirm *firm = _tw_sim_get_firm (self->sim);
  TwSimRisk *risk = tw_sim_firm_get_risk (firm);
  Batch *batch = g_new0 (Batch, 1);

  if (!risk->investiq.halted)
    {
      g_autoptr(GPtrArray) trades = tw_sim_firm_list_trades (firm);
      guint n = g_rand_int_range (self->rand, 1, 4);

      batch->investiq = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (batch->investiq, make_trade (self, g_get_real_time ()));
      for (guint i = 0; i < trades->len; i++)
        {
          TwSimTrade *trade = g_ptr_array_index (trades, i);
          g_autofree char *when = NULL;

          if (trade->id == NULL || g_hash_table_contains (self->seen_outcomes, trade->id))
            continue;
          g_hash_table_add (self->seen_outcomes, g_strdup (trade->id));
          when = sql_time (trade->time_us);
          g_ptr_array_add (batch->investiq,
                           sql_printf ("INSERT INTO trade_outcomes (symbol, exit_date, profit_loss, "
                                       "outcome, actual_profitable, timestamp) "
                                       "VALUES (%Q, %Q, %.2f, %Q, %d, %Q)",
                                       trade->symbol, when, trade->pnl,
                                       trade->pnl > 0 ? "win" : "loss", trade->pnl > 0, when));
        }
      gather_requests (_tw_sim_get_log (self->sim), "investiq", &self->last_seq_investiq,
                       batch->investiq, make_investiq_event);
    }

  if (!risk->kill_switch.enabled)
    {
      batch->audit = g_ptr_array_new_with_free_func (g_free);
      gather_requests (_tw_sim_get_log (self->sim), "ibkr-assistant", &self->last_seq_ibkr,
                       batch->audit, make_ibkr_event);
    }

  g_async_queue_push (self->queue, batch);
  return G_SOURCE_CONTINUE;
}

/* Schema, and a few days of history when the database is new. */
static gboolean
create_databases (DemoDb  *self,
                  GError **error)
{
  g_autoptr(GPtrArray) trades = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ibkr = g_ptr_array_new_with_free_func (g_free);
  gboolean new_investiq = !g_file_test (self->investiq_path, G_FILE_TEST_EXISTS);
  gboolean new_audit = !g_file_test (self->audit_path, G_FILE_TEST_EXISTS);
  gint64 now = g_get_real_time ();
  static const char * const paths[] = {
    "/api/broker/positions", "/api/risk/circuit-breakers", "/health", "/api/broker/account",
  };
  static const char * const ibkr_paths[] = {
    "/api/v1/health", "/api/v1/kill-switch/status", "/api/v1/orders", "/api/v1/feature-flags",
  };

  if (!exec_on (self->investiq_path, investiq_schema, error)
      || !exec_on (self->audit_path, audit_schema, error))
    return FALSE;

  for (guint i = 0; new_investiq && i < SEED_TRADES; i++)
    {
      gint64 when = now - (gint64) (SEED_TRADES - i) * 20 * 60 * G_USEC_PER_SEC;

      g_ptr_array_add (trades, make_trade (self, when));
    }
  for (guint i = 0; i < SEED_EVENTS; i++)
    {
      gint64 when = now - (gint64) (SEED_EVENTS - i) * 40 * 60 * G_USEC_PER_SEC;

      if (new_investiq)
        g_ptr_array_add (events, make_investiq_event (when, "GET", paths[i % G_N_ELEMENTS (paths)], 200));
      if (new_audit)
        g_ptr_array_add (ibkr, make_ibkr_event (when, "GET", ibkr_paths[i % G_N_ELEMENTS (ibkr_paths)], 200));
    }
  g_ptr_array_extend_and_steal (trades, g_steal_pointer (&events));

  if (!write_statements (self->investiq_path, trades)
      || !write_statements (self->audit_path, ibkr))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_DATABASE,
                   "The demo databases in “%s” could not be filled: check the directory is writable",
                   self->dir);
      return FALSE;
    }
  return TRUE;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
demo_db_free (gpointer data)
{
  DemoDb *self = data;
  Batch *stop = g_new0 (Batch, 1);

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_source_unref (self->timer);
    }
  if (self->writer != NULL)
    {
      stop->stop = TRUE;
      g_async_queue_push (self->queue, stop);
      g_thread_join (self->writer);
    }
  else
    batch_free (stop);

  g_mutex_lock (&global_lock);
  if (--n_attached == 0 && temp_dir != NULL && g_strcmp0 (self->dir, temp_dir) == 0)
    remove_tree (temp_dir);
  g_mutex_unlock (&global_lock);

  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->seen_outcomes, g_hash_table_unref);
  g_free (self->dir);
  g_free (self->investiq_path);
  g_free (self->audit_path);
  g_free (self);
}

gboolean
tw_sim_demo_db_attach (TwSim   *sim,
                       GError **error)
{
  DemoDb *self;
  GMainContext *context;
  guint period;

  g_return_val_if_fail (TW_IS_SIM (sim), FALSE);

  context = _tw_sim_get_context (sim);
  g_return_val_if_fail (context != NULL, FALSE);

  self = g_new0 (DemoDb, 1);
  self->sim = sim;
  self->rand = g_rand_new ();
  self->seen_outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->queue = g_async_queue_new_full ((GDestroyNotify) batch_free);
  for (guint i = 0; i < G_N_ELEMENTS (start_quotes); i++)
    self->prices[i] = start_quotes[i].price;
  self->next_trade = (guint64) (g_get_real_time () / G_USEC_PER_SEC) * 1000;

  g_mutex_lock (&global_lock);
  self->dir = g_strdup (data_dir_locked ());
  n_attached++;
  period = interval_ms;
  g_mutex_unlock (&global_lock);

  self->investiq_path = g_build_filename (self->dir, TW_SIM_DEMO_DB_INVESTIQ, NULL);
  self->audit_path = g_build_filename (self->dir, TW_SIM_DEMO_DB_AUDIT, NULL);

  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   "The directory “%s” for the demo databases could not be made: %s",
                   self->dir, g_strerror (saved));
      demo_db_free (self);
      return FALSE;
    }
  if (!create_databases (self, error))
    {
      demo_db_free (self);
      return FALSE;
    }

  self->writer = g_thread_new ("tw-sim-demo-db", writer_main, self);
  self->timer = g_timeout_source_new (period);
  g_source_set_callback (self->timer, tick_cb, self, NULL);
  g_source_set_name (self->timer, "tw-sim-demo-db");
  g_source_attach (self->timer, context);

  g_object_set_data_full (G_OBJECT (sim), "tw-sim-demo-db", self, demo_db_free);
  return TRUE;
}
