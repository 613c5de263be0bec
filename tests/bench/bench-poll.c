/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

/* bench-poll: the console's cost of polling many services.
 *
 * Starts `tradewarden-sim --port 0` as a separate process (its CPU is not counted),
 * writes a profile of N services (N/5 per flavor, all pointing at the simulator) into
 * a private XDG_CONFIG_HOME, keeps their credentials in a memory store, and runs the
 * real console — TwApplication with that profile, the window presented, the poll
 * interval set through GSettings — for a measured window of S seconds. It reports:
 *
 *   - CPU time of this process (getrusage RUSAGE_SELF: every thread of the console)
 *     as % of one core, over S seconds without the stall meter (its 1000 wakeups a
 *     second walk every source of the context: not a fixed cost to subtract);
 *   - then over S more seconds, the longest main-loop stall: the lateness of a 1 ms G_PRIORITY_DEFAULT timer
 *     (the priority of input events);
 *   - the health polls the console saw succeed and the requests the simulator logged
 *     in the window (GET /_sim/requests?since=SEQ), against N × S / interval;
 *   - the console's peak resident set, without the bench's own parses of that log
 *     (VmHWM noted before each, reset after it), and with --baseline-kb (the peak of a
 *     --baseline run with 5 services) the kB per extra service;
 *   - then the floor (bench-poll-floor) beside the console for S more seconds: the CPU
 *     per request of each, in the same window.
 *
 * Run by bench-poll.sh; see tests/bench/README.md. */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench-canaries.h"
#include "bench-meter.h"
#include "tw-application.h"
#include "tw-http-private.h"
#include "tw-sim.h"

#define PROFILE_NAME      "bench"
#define CALIBRATE_S       3
#define FLOOR_WARMUP_S    3  /* the floor's seconds before its window */
#define SETTLE_TIMEOUT_S  60
/* The canaries over the opening: half a second before it, its second or so, and the
 * interval after it. */
#define OPEN_CANARIES_S   5
#define GOAL_STALL_MS     16.0
#define GOAL_KB_PER_SERVICE 150.0

static int opt_services = 200;
static int opt_seconds = 30;
static int opt_interval = 1;
static char *opt_sim = NULL;
static gboolean opt_hide_window = FALSE;
static int opt_soak_seconds = 0;
static gboolean opt_baseline = FALSE;
static int opt_baseline_kb = 0;

/* The window's frames: update + layout + paint, from "before-paint" to "after-paint". */
/* Room for an hour's frames over 5 ms. */
#define LONG_FRAMES 4096

typedef struct
{
  gint64 end_us;
  gint64 duration_us;
  gint64 phases_us[3];  /* update, layout, paint */
} LongFrame;

typedef struct
{
  gint64 start_us;
  gint64 phase_us[3];  /* ends of update, layout and paint */
  gint64 max_us;
  gint64 total_us;
  guint  n;
  /* Every frame over 5 ms (up to LONG_FRAMES), to find the one in a stall. */
  LongFrame longs[LONG_FRAMES];
  guint  n_longs;
} Frames;

typedef struct
{
  TwApplication *app;
  TwProfile     *profile;
  TwSecrets     *secrets;
  GHashTable    *urls;     /* flavor → base URL */
  GHashTable    *floor_urls; /* the same, of the floor's own simulator */
  Meter          meter;
  Frames         frames;
  guint          polls_ok; /* "succeeded" of the health pollers */
  guint          polls_failed;
  int            status;
  /* The console's CPU window (without the meter), for the floor's comparison. */
  double         net_pct;
  double         net_cpu_s;
  gint64         net_requests;
  char          *floor_requests; /* JSON for bench-poll-floor's stdin, NULL when none */
  guint          floor_kinds;    /* distinct requests per interval of all services */
  struct _FloorRun *floor_run;   /* the floor running beside the console, or NULL */
  BenchCanaries *canaries;       /* running over the stall window, or NULL */
  struct _LogRead *log_read;     /* a read of the simulator's log under way, or NULL */
  /* The console's own peak resident set: the highest VmHWM read just before each of the
   * bench's reads of the simulator's log, which resets it after (see console_peak_kb). */
  long           peak_kb;
} Bench;

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* The peak resident set (VmHWM) since the start or its last reset, in kB. */
static long
hwm_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;
  long kb = -1;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "\nVmHWM:");
  if (line == NULL || sscanf (line + strlen ("\nVmHWM:"), "%ld", &kb) != 1)
    return -1;
  return kb;
}

/* The console's peak so far: the peaks noted before the bench's own reads and the
 * peak since the last of them. */
static long
console_peak_kb (Bench *bench)
{
  return MAX (bench->peak_kb, hwm_kb ());
}

/* Around each read of the simulator's request log (up to 10,000 entries parsed into
 * JSON in this process): note the console's peak before it; after it (its tree freed),
 * give the freed pages back and restart the peak from the resident set now, so the
 * bench's parse is not counted as the console's memory. */
static void
bench_read_begin (Bench *bench)
{
  bench->peak_kb = console_peak_kb (bench);
}

static void
bench_read_end (Bench *bench)
{
  gboolean reset = FALSE;
  int fd;

  malloc_trim (0);
  /* "5" resets the peak resident set to the resident set now (Linux 4.0). Without it
   * (a read-only /proc), the peak printed may include the bench's parse: say so. */
  fd = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      reset = write (fd, "5", 1) == 1;
      close (fd);
    }
  if (!reset)
    g_printerr ("bench-poll: could not reset the peak resident set: the console's peak "
                "includes the bench's own reads of the request log\n");
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Frames        *frames)
{
  frames->start_us = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (frames->phase_us); i++)
    frames->phase_us[i] = frames->start_us;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Frames        *frames)
{
  gint64 start = frames->start_us, end = g_get_monotonic_time (), duration;

  if (start == 0)
    return;
  duration = end - start;
  frames->start_us = 0;
  frames->max_us = MAX (frames->max_us, duration);
  frames->total_us += duration;
  frames->n++;
  if (duration > 5000 && frames->n_longs < LONG_FRAMES)
    frames->longs[frames->n_longs++] = (LongFrame) {
      end, duration, { frames->phase_us[0] - start, frames->phase_us[1] - frames->phase_us[0],
             frames->phase_us[2] - frames->phase_us[1] } };
  /* Which phase a long frame spent its time in, on the stalls' timeline. */
  if (duration > 5000 && g_getenv ("TW_BENCH_POLL_TRACE") != NULL)
    g_printerr ("bench-poll: frame %.1f ms ending at %.6f s: update %.1f, layout %.1f, paint %.1f ms\n",
                duration / 1000.0, end / 1e6, (frames->phase_us[0] - start) / 1000.0,
                (frames->phase_us[1] - frames->phase_us[0]) / 1000.0,
                (frames->phase_us[2] - frames->phase_us[1]) / 1000.0);
}

static void
update_done_cb (GdkFrameClock *clock,
                Frames        *frames)
{
  frames->phase_us[0] = frames->phase_us[1] = frames->phase_us[2] = g_get_monotonic_time ();
}

static void
layout_done_cb (GdkFrameClock *clock,
                Frames        *frames)
{
  frames->phase_us[1] = frames->phase_us[2] = g_get_monotonic_time ();
}

static void
paint_done_cb (GdkFrameClock *clock,
               Frames        *frames)
{
  frames->phase_us[2] = g_get_monotonic_time ();
}

/* The console's resident set now, in kB (getrusage gives only the peak). */
static long
rss_kb (void)
{
  g_autofree char *statm = NULL;
  long pages_total = 0, pages_resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL)
      || sscanf (statm, "%ld %ld", &pages_total, &pages_resident) != 2)
    return -1;
  return pages_resident * (sysconf (_SC_PAGESIZE) / 1024);
}

/* Iterates the default main context for @seconds, or until @done (if given) holds. */
static gboolean
run_for (double     seconds,
         gboolean (*done) (Bench *),
         Bench     *bench)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      if (done != NULL && done (bench))
        return TRUE;
      g_main_context_iteration (NULL, TRUE);
    }
  return done == NULL;
}

/* The simulator, a separate process. */

static GSubprocess *
start_simulator (GHashTable  *urls,
                 GError     **error)
{
  /* What it prints, in its order: the flavors, then the services' second addresses. */
  static const char * const flavors[] = { "investiq", "ibkr-assistant", "ai-trading", "autotrader",
                                          "alpaca", TW_SIM_FLAVOR_RATE_GATE,
                                          TW_SIM_FLAVOR_ML_SERVICE, NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GDataInputStream) lines = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* It must accept the demo credentials stored below, whatever the caller's env says. */
  g_subprocess_launcher_unsetenv (launcher, "API_KEYS");
  g_subprocess_launcher_unsetenv (launcher, "LIVE_TRADING_KEY");
  g_subprocess_launcher_unsetenv (launcher, "ALPACA_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "ALPACA_SECRET_KEY");
  sim = g_subprocess_launcher_spawn (launcher, error, opt_sim, "--port", "0", NULL);
  if (sim == NULL)
    return NULL;

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, error);
      char *eq;

      if (line == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "The simulator %s exited before printing its URLs", opt_sim);
          g_subprocess_force_exit (sim);
          return NULL;
        }
      eq = strchr (line, '=');
      if (eq == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "The simulator printed “%s” instead of a flavor=URL line", line);
          g_subprocess_force_exit (sim);
          return NULL;
        }
      *eq = '\0';
      if (!g_str_equal (line, flavors[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "The simulator printed the URL of “%s” where “%s”'s was expected",
                       line, flavors[i]);
          g_subprocess_force_exit (sim);
          return NULL;
        }
      g_hash_table_insert (urls, g_strdup (line), g_strdup (eq + 1));
    }
  return g_steal_pointer (&sim);
}

#define LOG_PAGE 500  /* entries a read of the request log asks for */

/* What the bench reads of the simulator's request log. */
typedef struct
{
  gint64      last;        /* the highest seq read */
  gint64      last_until;  /* the highest seq logged at or before the scan's time */
  GHashTable *kinds;       /* when not NULL: "flavor \t path?query" of each GET → count */
  GPtrArray  *keys;        /* those keys, in log order */
} LogScan;

/* Reads the simulator's request log after sequence number @since (0: all of it, at most
 * its 10,000 newest entries), LOG_PAGE entries a request (?since=SEQ&limit=N), each page
 * freed once read: the bench's parse stays small beside the console's memory. Notes the
 * highest seq, the highest logged at or before @until_real_us (any time when 0) and, with
 * @scan->kinds, counts the GETs logged after @since and by then. */
static gboolean
scan_request_log (const char  *url,
                  gint64       since,
                  gint64       until_real_us,
                  LogScan     *scan,
                  GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();

  scan->last = scan->last_until = MAX (since, 0);
  for (;;)
    {
      g_autofree char *uri = g_strdup_printf ("%s/_sim/requests?since=%" G_GINT64_FORMAT "&limit=%d",
                                              url, scan->last, LOG_PAGE);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *log;
      guint n;

      body = soup_session_send_and_read (session, msg, NULL, error);
      if (body == NULL)
        return FALSE;
      if (soup_message_get_status (msg) != SOUP_STATUS_OK)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "GET %s answered HTTP %u", uri, soup_message_get_status (msg));
          return FALSE;
        }
      if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                       g_bytes_get_size (body), error))
        return FALSE;
      if (!JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GET %s did not answer an array", uri);
          return FALSE;
        }
      log = json_node_get_array (json_parser_get_root (parser));
      n = json_array_get_length (log);
      for (guint i = 0; i < n; i++)
        {
          JsonObject *entry = json_array_get_object_element (log, i);
          gint64 seq = json_object_get_int_member (entry, "seq");
          const char *query;
          char *key;

          scan->last = MAX (scan->last, seq);
          if (until_real_us != 0 && json_object_get_int_member (entry, "time_us") > until_real_us)
            continue;
          scan->last_until = MAX (scan->last_until, seq);

          if (scan->kinds == NULL ||
              !g_str_equal (json_object_get_string_member (entry, "method"), "GET"))
            continue;
          query = json_object_get_string_member (entry, "query");
          key = g_strdup_printf ("%s\t%s%s%s", json_object_get_string_member (entry, "flavor"),
                                 json_object_get_string_member (entry, "path"),
                                 query != NULL && *query != '\0' ? "?" : "",
                                 query != NULL ? query : "");
          if (g_hash_table_contains (scan->kinds, key))
            {
              guint count = GPOINTER_TO_UINT (g_hash_table_lookup (scan->kinds, key));

              g_hash_table_insert (scan->kinds, key, GUINT_TO_POINTER (count + 1));
              continue;
            }
          g_hash_table_insert (scan->kinds, g_strdup (key), GUINT_TO_POINTER (1));
          g_ptr_array_add (scan->keys, key);
        }
      if (n < LOG_PAGE)
        return TRUE;
    }
}

/* The bench's reads of the log run in a thread of their own, while the console's main
 * loop runs on. Read on the main thread (half a second for a window's 12,000 entries),
 * they held the console's answers back, and its catching up made the first second of
 * the next window's frames (a 20-30 ms frame, relayout and repaint of every row). What
 * was logged meanwhile is then read at once: one short page, for the window's first
 * sequence number. */
typedef struct _LogRead
{
  const char *url;
  gint64      since;
  gint64      until_real_us;
  LogScan    *scan;
  GError     *error;
  gboolean    ok;
  gint        done;
} LogRead;

static gpointer
log_read_thread (gpointer data)
{
  LogRead *read = data;

  read->ok = scan_request_log (read->url, read->since, read->until_real_us, read->scan,
                               &read->error);
  g_atomic_int_set (&read->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
log_read_done (Bench *bench)
{
  return g_atomic_int_get (&bench->log_read->done);
}

static gboolean
read_request_log (Bench       *bench,
                  const char  *url,
                  gint64       since,
                  gint64       until_real_us,
                  LogScan     *scan,
                  GError     **error)
{
  LogRead read = { url, since, until_real_us, scan, NULL, FALSE, FALSE };
  GThread *thread;

  bench->log_read = &read;
  thread = g_thread_new ("bench-log-read", log_read_thread, &read);
  while (!run_for (60, log_read_done, bench))
    ;
  g_thread_join (thread);
  bench->log_read = NULL;
  if (!read.ok)
    {
      g_propagate_error (error, read.error);
      return FALSE;
    }
  return TRUE;
}

/* The profile: N services round-robin over the flavors, written to and read back from
 * $XDG_CONFIG_HOME/tradewarden/profiles/bench.conf; credentials in memory. */

static const struct
{
  const char *flavor;
  const char *name;
  const char *secrets[2][2];  /* connector secret name → value */
} flavor_info[] = {
  { "investiq", "InvestIQ",
    { { "api_key", TW_SIM_DEMO_API_KEY }, { "live_trading_key", TW_SIM_DEMO_LIVE_TRADING_KEY } } },
  { "ibkr-assistant", "IBKR assistant", { { "api_key", TW_SIM_DEMO_API_KEY }, { NULL, NULL } } },
  { "ai-trading", "AI trading", { { "api_key", TW_SIM_DEMO_API_KEY }, { NULL, NULL } } },
  { "autotrader", "Autotrader", { { "api_key", TW_SIM_DEMO_API_KEY }, { NULL, NULL } } },
  { "alpaca", "Alpaca (paper)",
    { { "key_id", TW_SIM_DEMO_ALPACA_KEY_ID }, { "secret_key", TW_SIM_DEMO_ALPACA_SECRET } } },
};

static TwProfile *
make_profile (GHashTable  *urls,
              TwSecrets   *secrets,
              GError     **error)
{
  g_autoptr(TwProfile) profile = tw_profile_new (PROFILE_NAME, TW_MODE_PAPER);
  g_autoptr(GFile) file = NULL;

  for (int i = 0; i < opt_services; i++)
    {
      guint f = i % G_N_ELEMENTS (flavor_info);
      guint n = i / G_N_ELEMENTS (flavor_info) + 1;
      g_autofree char *id = g_strdup_printf ("%s-%03u", flavor_info[f].flavor, n);
      g_autofree char *name = g_strdup_printf ("%s %u", flavor_info[f].name, n);
      g_autoptr(TwService) service = NULL;

      service = tw_service_new (id, flavor_info[f].flavor,
                                g_hash_table_lookup (urls, flavor_info[f].flavor));
      tw_service_set_name (service, name);
      /* The second addresses, as the demo's profile gives them (src/cli/tw-demo.c):
       * without them, these services' rate gate and ML service would be polled at their
       * runbooks' default ports, where nothing listens. */
      if (g_str_equal (flavor_info[f].flavor, "ai-trading"))
        tw_service_set_setting (service, "RateGateUrl", g_hash_table_lookup (urls, TW_SIM_FLAVOR_RATE_GATE));
      else if (g_str_equal (flavor_info[f].flavor, "investiq"))
        tw_service_set_setting (service, "MlServiceUrl", g_hash_table_lookup (urls, TW_SIM_FLAVOR_ML_SERVICE));
      tw_profile_add_service (profile, service);
      for (guint j = 0; j < G_N_ELEMENTS (flavor_info[f].secrets); j++)
        {
          if (flavor_info[f].secrets[j][0] != NULL
              && !tw_secrets_store_sync (secrets, PROFILE_NAME, id, flavor_info[f].secrets[j][0],
                                         flavor_info[f].secrets[j][1], NULL, error))
            return NULL;
        }
    }

  if (!tw_profile_save (profile, NULL, error))
    return NULL;
  file = tw_profile_default_file (profile);
  return tw_profile_load (file, error);
}

/* The floor: the distinct GETs the console sent in its window (the simulator's log),
 * each once per interval per service, with the headers its connector gives them. */

static char *
lookup_demo_secret (const char  *name,
                    gpointer     user_data,
                    GError     **error)
{
  const char *flavor = user_data;

  for (guint f = 0; f < G_N_ELEMENTS (flavor_info); f++)
    {
      if (!g_str_equal (flavor_info[f].flavor, flavor))
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (flavor_info[f].secrets); j++)
        if (g_strcmp0 (flavor_info[f].secrets[j][0], name) == 0)
          return g_strdup (flavor_info[f].secrets[j][1]);
    }
  return NULL;
}

/* The GET operation of @connector whose path and query are @path_query. */
static const TwOperation *
find_get_operation (TwConnector *connector,
                    const char  *path_query)
{
  g_autoptr(GPtrArray) names = tw_connector_list_operations (connector);

  for (guint i = 0; i < names->len; i++)
    {
      const TwOperation *op = tw_connector_get_operation (connector, g_ptr_array_index (names, i));
      g_autofree char *path = NULL;

      if (!g_str_equal (tw_operation_get_method (op), "GET"))
        continue;
      path = tw_operation_expand_path (op, NULL, NULL);
      if (path != NULL && g_str_equal (path, path_query))
        return op;
    }
  return NULL;
}

/* The flavor whose services send what the simulator logged under @logged: a second
 * address's requests are its service's (the rate gate, ai-trading's; the ML service,
 * investiq's). */
static const char *
owner_flavor (const char *logged)
{
  if (g_str_equal (logged, TW_SIM_FLAVOR_RATE_GATE))
    return "ai-trading";
  if (g_str_equal (logged, TW_SIM_FLAVOR_ML_SERVICE))
    return "investiq";
  return logged;
}

static gboolean
build_floor_requests (Bench      *bench,
                      GHashTable *kinds,
                      GPtrArray  *keys,
                      GError    **error)
{
  TwConnectorRegistry *registry = tw_application_get_registry (bench->app);
  guint polled = 0;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  /* Polled: sent at least a quarter as often as the request sent most (not the one-off
   * fetches of a page, such as a service's recent trades). Against the window's length
   * instead, a window longer than the simulator's log (its 10,000 newest entries, some
   * 24 s of this profile) kept only the requests sent more than once an interval. */
  for (guint k = 0; k < keys->len; k++)
    polled = MAX (polled, GPOINTER_TO_UINT (g_hash_table_lookup (kinds, g_ptr_array_index (keys, k))));
  polled = MAX (1u, polled / 4);
  for (guint k = keys->len; k > 0; k--)
    if (GPOINTER_TO_UINT (g_hash_table_lookup (kinds, g_ptr_array_index (keys, k - 1))) < polled)
      g_ptr_array_remove_index (keys, k - 1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_array (builder);
  bench->floor_kinds = 0;
  for (int s = 0; s < opt_services; s++)
    {
      const char *flavor = flavor_info[s % G_N_ELEMENTS (flavor_info)].flavor;
      TwConnector *connector = tw_connector_registry_lookup (registry, flavor);

      for (guint k = 0; k < keys->len; k++)
        {
          g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (keys, k), "\t", 2);
          g_autofree char *url = NULL;
          g_autoptr(GHashTable) headers = NULL;
          const TwOperation *op;
          GHashTableIter iter;
          gpointer name, value;

          if (!g_str_equal (owner_flavor (parts[0]), flavor))
            continue;
          op = connector != NULL ? find_get_operation (connector, parts[1]) : NULL;
          /* Called with variables: the connector's headers are those of its health. */
          if (op == NULL && connector != NULL)
            op = tw_connector_get_operation (connector, "health");
          if (op == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "No GET operation of the connector %s has the path %s", flavor, parts[1]);
              return FALSE;
            }
          headers = tw_operation_expand_headers (op, NULL, lookup_demo_secret, (gpointer) flavor, error);
          if (headers == NULL)
            return FALSE;
          url = g_strconcat (g_hash_table_lookup (bench->floor_urls, parts[0]), parts[1], NULL);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, url);
          json_builder_set_member_name (builder, "headers");
          json_builder_begin_object (builder);
          g_hash_table_iter_init (&iter, headers);
          while (g_hash_table_iter_next (&iter, &name, &value))
            if (value != NULL)
              {
                json_builder_set_member_name (builder, name);
                json_builder_add_string_value (builder, value);
              }
          json_builder_end_object (builder);
          json_builder_end_object (builder);
          bench->floor_kinds++;
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  g_free (bench->floor_requests);
  bench->floor_requests = json_generator_to_data (generator, NULL);

  printf ("  the console's distinct GETs per service (the floor's request set):\n");
  for (guint k = 0; k < keys->len; k++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (keys, k), "\t", 2);

      printf ("    %-15s GET %-50s %u in the window\n", parts[0], parts[1],
              GPOINTER_TO_UINT (g_hash_table_lookup (kinds, g_ptr_array_index (keys, k))));
    }
  return TRUE;
}

static gboolean
canaries_finished (Bench *bench)
{
  return bench_canaries_finished (bench->canaries);
}

/* Waits for the canaries' end (they run a little past the window) and reads them. */
static gboolean
finish_canaries (Bench          *bench,
                 BenchCanaries  *canaries,
                 GError        **error)
{
  if (!run_for (10, canaries_finished, bench))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The canaries did not finish");
      return FALSE;
    }
  bench->canaries = NULL;
  return bench_canaries_collect (canaries, error);
}

/* Where the console's own longest stall went: the main thread's schedstat, its CPU's
 * canary and the frame that ended in it, if one over 5 ms did. NULL without a stall
 * over 5 ms. */
static char *
own_stall_detail (Bench         *bench,
                  BenchCanaries *canaries,
                  gint64         t0)
{
  const MeterStall *stall = meter_own_max_stall (&bench->meter, canaries);
  const LongFrame *frame = NULL;
  GString *detail;
  gint64 from;

  if (stall == NULL)
    return NULL;
  from = stall->end_us - stall->late_us;
  for (guint i = 0; i < bench->frames.n_longs; i++)
    {
      const LongFrame *f = &bench->frames.longs[i];

      if (f->end_us > from && f->end_us <= stall->end_us
          && (frame == NULL || f->duration_us > frame->duration_us))
        frame = f;
    }
  detail = g_string_new (NULL);
  g_string_append_printf (detail, "    that stall, %.2f ms raw, ending at +%.2f s:",
                          stall->late_us / 1000.0, (stall->end_us - t0) / 1e6);
  if (stall->run_us >= 0)
    g_string_append_printf (detail, " the main thread ran %.2f ms, waited %.2f ms for a CPU and "
                            "slept %.2f ms;", stall->run_us / 1000.0, stall->wait_us / 1000.0,
                            MAX (0, stall->late_us + METER_PERIOD_MS * 1000 - stall->run_us -
                                    stall->wait_us) / 1000.0);
  g_string_append_printf (detail, " its CPU (%d, then %d) stood still %.2f ms;", stall->cpus[0],
                          stall->cpus[1],
                          stall_cpu_late_us (canaries, stall->end_us, stall->late_us,
                                             stall->cpus) / 1000.0);
  if (frame != NULL)
    g_string_append_printf (detail, " a frame of %.2f ms ended in it (update %.2f, layout %.2f, "
                            "paint %.2f ms)\n",
                            frame->duration_us / 1000.0,
                            frame->phases_us[0] / 1000.0, frame->phases_us[1] / 1000.0,
                            frame->phases_us[2] / 1000.0);
  else
    g_string_append (detail, " no frame over 5 ms ended in it\n");
  return g_string_free (detail, FALSE);
}

static void
print_own_stall (Bench         *bench,
                 BenchCanaries *canaries,
                 gint64         t0)
{
  g_autofree char *detail = own_stall_detail (bench, canaries, t0);

  if (detail != NULL)
    printf ("%s", detail);
}

#define SOAK_SETTLE_S   300  /* RSS growth counts from here */
#define GOAL_SOAK_MB    5.0

/* --soak-seconds S: S seconds more of polling, the meter running, with the resident
 * set read every minute: its growth from the fifth minute to the end (goal ≤ 5 MB),
 * the CPU and the longest stall over the whole soak. */
static gboolean
run_soak (Bench   *bench,
          GError **error)
{
  gint64 t0, t1;
  double cpu0, cpu1;
  long rss_settled = -1, rss_first = rss_kb (), rss_last = rss_first;
  guint polls_ok0 = bench->polls_ok, polls_failed0 = bench->polls_failed;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_path_get_dirname (self_exe != NULL ? self_exe : "");
  g_autoptr(BenchCanaries) canaries = NULL;
  gint64 own_max_us, own_at_us = 0;
  guint own_over_16ms;

  printf ("Soak: %d s more of polling, the resident set every 60 s (the meter on)\n",
          opt_soak_seconds);
  fflush (stdout);
  /* The canaries over the whole soak, as over window 4. */
  canaries = bench_canaries_start (dir, opt_soak_seconds + 3, error);
  if (canaries == NULL)
    return FALSE;
  bench->canaries = canaries;
  run_for (1, NULL, bench);
  memset (&bench->frames, 0, sizeof bench->frames);
  meter_start (&bench->meter);
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  for (int minute = 1; minute * 60 <= opt_soak_seconds; minute++)
    {
      struct mallinfo2 info;

      run_for (60, NULL, bench);
      rss_last = rss_kb ();
      if (minute * 60 == SOAK_SETTLE_S)
        rss_settled = rss_last;
      info = mallinfo2 ();
      /* In use: allocated chunks and mmapped blocks, all arenas; RSS growing while
       * this stays flat is the allocator's fragmentation, not a leak. */
      printf ("  +%4d s  RSS %.1f MB  heap in use %.1f MB  CPU %.2f s  longest stall so far %.1f ms\n",
              minute * 60, rss_last / 1024.0, (info.uordblks + info.hblkhd) / 1048576.0,
              cpu_seconds () - cpu0, bench->meter.max_late_us / 1000.0);
      fflush (stdout);
    }
  cpu1 = cpu_seconds ();
  t1 = g_get_monotonic_time ();
  meter_stop (&bench->meter);
  if (!finish_canaries (bench, canaries, error))
    return FALSE;
  own_max_us = meter_own_max_us (&bench->meter, canaries, &own_at_us, &own_over_16ms);

  printf ("  soak over %.0f s: RSS %.1f → %.1f MB; CPU %.2f %% of one core (the meter's cost "
          "included); longest stall %.2f ms (%u over 16 ms); health polls %u ok, %u failed\n",
          (t1 - t0) / 1e6, rss_first / 1024.0, rss_last / 1024.0,
          100.0 * (cpu1 - cpu0) / ((t1 - t0) / 1e6), bench->meter.max_late_us / 1000.0,
          bench->meter.over_16ms, bench->polls_ok - polls_ok0, bench->polls_failed - polls_failed0);
  printf ("  the whole machine stood still %u times (at most %.2f ms); the longest stall once the "
          "time its CPU stood still is taken out of each: %.2f ms at +%.0f s (%u over 16 ms) — goal ≤ %.0f ms: %s\n",
          bench_canaries_get_n_pauses (canaries), bench_canaries_get_longest_us (canaries) / 1000.0,
          own_max_us / 1000.0, own_at_us > 0 ? (own_at_us - t0) / 1e6 : 0.0, own_over_16ms,
          GOAL_STALL_MS, own_max_us / 1000.0 <= GOAL_STALL_MS ? "met" : "MISSED");
  print_own_stall (bench, canaries, t0);
  if (rss_settled >= 0)
    printf ("  RSS growth after the first %d s: %.2f MB (goal ≤ %.0f MB: %s)\n", SOAK_SETTLE_S,
            (rss_last - rss_settled) / 1024.0, GOAL_SOAK_MB,
            (rss_last - rss_settled) / 1024.0 <= GOAL_SOAK_MB ? "met" : "MISSED");
  printf ("RESULT poll-soak seconds=%d rss_start_mb=%.1f rss_settled_mb=%.1f rss_end_mb=%.1f "
          "cpu_pct=%.2f stall_max_ms=%.2f over_16ms=%u stall_own_max_ms=%.2f own_over_16ms=%u "
          "machine_pauses=%u polls_ok=%u polls_failed=%u\n",
          opt_soak_seconds, rss_first / 1024.0, rss_settled / 1024.0, rss_last / 1024.0,
          100.0 * (cpu1 - cpu0) / ((t1 - t0) / 1e6), bench->meter.max_late_us / 1000.0,
          bench->meter.over_16ms, own_max_us / 1000.0, own_over_16ms,
          bench_canaries_get_n_pauses (canaries), bench->polls_ok - polls_ok0, bench->polls_failed - polls_failed0);
  fflush (stdout);
  if (bench->polls_ok - polls_ok0 < (guint) (opt_services * (opt_soak_seconds / 60 * 60) / opt_interval * 9 / 10))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Only %u successful polls in the soak", bench->polls_ok - polls_ok0);
      return FALSE;
    }
  return TRUE;
}

/* The floor runs beside the console: the same machine, at the same time, so what the
 * machine does meanwhile (another guest, the host's own load, the clock) weighs on both
 * alike. Run one after the other, the floor alone moved from 150 to 220 µs a request
 * between runs of the same build, which the ratio's goal cannot tell from a change. */
typedef struct _FloorRun
{
  char    *out;
  GError  *error;
  gboolean done;
} FloorRun;

static void
floor_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FloorRun *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, NULL,
                                        &run->error);
  run->done = TRUE;
}

static gboolean
floor_finished (Bench *bench)
{
  return bench->floor_run->done;
}

/* The number of requests the console's HTTP client sent (attempts, retries included). */
static guint64
console_requests (Bench *bench)
{
  return tw_http_get_n_requests (tw_workspace_get_http (tw_application_get_workspace (bench->app)));
}

/* Runs bench-poll-floor (next to this executable) with the request set on its stdin,
 * while the console polls on (without the meter); measures the console's CPU and the
 * requests it sent over the floor's own window (after the same warm-up) and prints the
 * comparison. Never inlined: `valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=run_floor` counts the console's instructions over the floor's run
 * only (tests/bench/README.md). */
static G_GNUC_NO_INLINE gboolean
run_floor (Bench   *bench,
           GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *exe = NULL;
  g_autofree char *seconds = g_strdup_printf ("%d", opt_seconds);
  g_autofree char *interval = g_strdup_printf ("%d", opt_interval);
  g_autofree char *warmup = g_strdup_printf ("%d", FLOOR_WARMUP_S);
  g_autoptr(GSubprocess) floor = NULL;
  FloorRun run = { 0 };
  guint64 requests = 0, ok = 0, failed = 0, sent0, sent1, sent_in = console_requests (bench);
  double cpu_s = 0, wall_s = 0, floor_pct, floor_us, console_us, console_pct, cpu0, cpu1;
  double alone_us;
  gint64 t0, t1;
  const char *line;

  dir = g_path_get_dirname (self_exe != NULL ? self_exe : "");
  exe = g_build_filename (dir, "bench-poll-floor", NULL);
  floor = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                            exe, "--seconds", seconds, "--interval", interval, "--warmup", warmup,
                            NULL);
  if (floor == NULL)
    return FALSE;
  g_subprocess_communicate_utf8_async (floor, bench->floor_requests, NULL, floor_done_cb, &run);
  bench->floor_run = &run;

  /* The console's window: the floor's, from the end of its warm-up. */
  run_for (FLOOR_WARMUP_S, NULL, bench);
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  sent0 = console_requests (bench);
  run_for (opt_seconds, NULL, bench);
  cpu1 = cpu_seconds ();
  sent1 = console_requests (bench);
  t1 = g_get_monotonic_time ();
  /* The floor's answers still in flight, its report and its exit. */
  run_for (60, floor_finished, bench);
  bench->floor_run = NULL;
  if (!run.done)
    {
      g_subprocess_force_exit (floor);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s did not finish", exe);
      return FALSE;
    }
  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      g_free (run.out);
      return FALSE;
    }
  if (!g_subprocess_get_successful (floor))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", exe,
                   run.out != NULL ? run.out : "");
      g_free (run.out);
      return FALSE;
    }
  line = run.out != NULL ? strstr (run.out, "FLOOR ") : NULL;
  if (line == NULL ||
      sscanf (line, "FLOOR requests=%" G_GUINT64_FORMAT " ok=%" G_GUINT64_FORMAT " failed=%"
              G_GUINT64_FORMAT " cpu_s=%lf wall_s=%lf", &requests, &ok, &failed, &cpu_s, &wall_s) != 5 ||
      requests == 0 || wall_s <= 0 || sent1 <= sent0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s printed no FLOOR line, or the "
                   "console sent nothing beside it: %s", exe, run.out != NULL ? run.out : "");
      g_free (run.out);
      return FALSE;
    }
  g_free (run.out);

  floor_pct = 100.0 * cpu_s / wall_s;
  floor_us = 1e6 * cpu_s / requests;
  console_pct = 100.0 * (cpu1 - cpu0) / ((t1 - t0) / 1e6);
  console_us = 1e6 * (cpu1 - cpu0) / (sent1 - sent0);
  alone_us = bench->net_requests > 0 ? 1e6 * bench->net_cpu_s / bench->net_requests : 0;
  printf ("Floor: a bare SoupSession + JsonParser, the same %u GETs per interval, staggered, "
          "for %.1f s in its own process, beside the console (same window; a simulator of its own)\n",
          bench->floor_kinds, wall_s);
  printf ("  floor:   %6.2f %% of one core, %6.1f µs per request (%" G_GUINT64_FORMAT " requests, "
          "%" G_GUINT64_FORMAT " ok, %" G_GUINT64_FORMAT " failed)\n",
          floor_pct, floor_us, requests, ok, failed);
  printf ("  console: %6.2f %% of one core, %6.1f µs per request (%" G_GUINT64_FORMAT
          " requests it sent in %.1f s; alone, without the meter: %.1f µs per request)\n",
          console_pct, console_us, sent1 - sent0, (t1 - t0) / 1e6, alone_us);
  /* What `--toggle-collect=run_floor` counts the console's instructions over. */
  printf ("  (the console sent %" G_GUINT64_FORMAT " requests over all of run_floor (), its warm-up "
          "and tail included)\n", console_requests (bench) - sent_in);
  printf ("  ratio console / floor: %.2f× CPU per request (goal ≤ 1.3×: %s), %.2f× CPU for the same services\n",
          console_us / floor_us, console_us / floor_us <= 1.3 ? "met" : "MISSED",
          floor_pct > 0 ? console_pct / floor_pct : 0.0);
  printf ("RESULT poll-floor floor_cpu_pct=%.2f floor_us_per_request=%.1f console_cpu_pct=%.2f "
          "console_us_per_request=%.1f ratio_per_request=%.2f ratio_cpu=%.2f floor_requests=%"
          G_GUINT64_FORMAT " console_requests=%" G_GUINT64_FORMAT " console_alone_us_per_request=%.1f\n",
          floor_pct, floor_us, console_pct, console_us, console_us / floor_us,
          floor_pct > 0 ? console_pct / floor_pct : 0.0, requests, sent1 - sent0, alone_us);
  fflush (stdout);
  if (failed != 0 && ok <= requests * 9 / 10)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%" G_GUINT64_FORMAT " of the floor's "
                   "%" G_GUINT64_FORMAT " requests failed", failed, requests);
      return FALSE;
    }
  return TRUE;
}

/* The measurement, driven from "activate". */

static gboolean
window_painted (Bench *bench)
{
  TwWindow *window = tw_application_get_window (bench->app);

  return gtk_widget_get_mapped (GTK_WIDGET (window));
}

static gboolean
all_services_answered (Bench *bench)
{
  GListModel *services = tw_profile_get_services (bench->profile);

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      if (tw_service_get_last_success (service) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
poll_succeeded_cb (TwPoller *poller,
                   JsonNode *body,
                   gpointer  response,
                   Bench    *bench)
{
  bench->polls_ok++;
}

static void
poll_failed_cb (TwPoller *poller,
                GError   *error,
                Bench    *bench)
{
  bench->polls_failed++;
}

static void
count_states (Bench *bench,
              guint  counts[TW_SERVICE_STATE_ERROR + 1])
{
  GListModel *services = tw_workspace_get_services (tw_application_get_workspace (bench->app));

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      counts[MIN (tw_service_get_state (service), TW_SERVICE_STATE_ERROR)]++;
    }
}

static gboolean
measure (Bench   *bench,
         GError **error)
{
  const char *any_url = g_hash_table_lookup (bench->urls, "investiq");
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_path_get_dirname (self_exe != NULL ? self_exe : "");
  g_autoptr(BenchCanaries) canaries = NULL;
  gint64 stall_from, stall_paused_us, stall_cpu_late, own_max_us, own_at_us = 0;
  guint own_over_16ms;
  TwWorkspace *workspace;
  GListModel *services;
  GdkFrameClock *clock;
  g_autoptr(GHashTable) kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  LogScan scan = { 0 };
  gint64 seq_start, seq_net, logged;
  double net_cpu;
  double cpu0, cpu1, meter_pct, raw_pct, net_pct, open_s, settle_cpu;
  gint64 t0, t1, real1, seq0, seq1, open0, open_call_us;
  guint calib_ticks, n_open_stalls;
  gint64 calib_max, settle_max, open_own_max_us, open_own_at_us = 0;
  guint open_own_over_16ms;
  g_autoptr(BenchCanaries) open_canaries = NULL;
  g_autofree char *open_stall = NULL;
  long peak_kb;
  guint states[TW_SERVICE_STATE_ERROR + 1] = { 0 };
  guint expected = (guint) opt_services * (guint) opt_seconds / (guint) opt_interval;

  /* 1. The window with no profile, and the meter alone: its own CPU cost. */
  if (!run_for (10, window_painted, bench))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The window was not mapped within 10 s");
      return FALSE;
    }
  run_for (0.5, NULL, bench);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (tw_application_get_window (bench->app)));
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &bench->frames);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &bench->frames);
  /* After GTK's own handlers of each phase. */
  g_signal_connect_after (clock, "update", G_CALLBACK (update_done_cb), &bench->frames);
  g_signal_connect_after (clock, "layout", G_CALLBACK (layout_done_cb), &bench->frames);
  g_signal_connect_after (clock, "paint", G_CALLBACK (paint_done_cb), &bench->frames);
  meter_start (&bench->meter);
  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  run_for (CALIBRATE_S, NULL, bench);
  meter_pct = 100.0 * (cpu_seconds () - cpu0) / ((g_get_monotonic_time () - t0) / 1e6);
  calib_ticks = bench->meter.ticks;
  calib_max = bench->meter.max_late_us;

  if (opt_hide_window)
    gtk_widget_set_visible (GTK_WIDGET (tw_application_get_window (bench->app)), FALSE);

  /* Where the simulator's log stands before the profile opens (nothing polled yet): the
   * later reads ask only for what came after. */
  bench_read_begin (bench);
  if (!read_request_log (bench, any_url, 0, 0, &scan, error))
    return FALSE;
  seq_start = scan.last;
  bench_read_end (bench);
  /* Canaries over the opening too, to weigh its stalls as the window's are: started
   * half a second before it, out of the way of its first frames. */
  open_canaries = bench_canaries_start (dir, OPEN_CANARIES_S, error);
  if (open_canaries == NULL)
    return FALSE;
  bench->canaries = open_canaries;
  run_for (0.5, NULL, bench);

  /* 2. The profile opens; wait until every service answered once. The meter's next
   * tick counts from now: the opening's own call blocks the main loop too (an operator's
   * click waits for it), and a tick after a reset would not count it. */
  meter_reset (&bench->meter);
  meter_mark (&bench->meter);
  open0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  tw_application_open_profile (bench->app, bench->profile, bench->secrets);
  open_call_us = g_get_monotonic_time () - open0;
  workspace = tw_application_get_workspace (bench->app);
  if (tw_workspace_get_poll_interval (workspace) != (guint) opt_interval * 1000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The console polls every %u ms, not %d s: is the GSettings schema of "
                   "%s compiled in GSETTINGS_SCHEMA_DIR?",
                   tw_workspace_get_poll_interval (workspace), opt_interval, APP_ID);
      return FALSE;
    }
  services = tw_workspace_get_services (workspace);
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwPoller *poller = tw_workspace_get_health_poller (workspace, tw_service_get_id (service));

      if (poller == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "Service %s has no health poller: is its connector installed?",
                       tw_service_get_id (service));
          return FALSE;
        }
      g_signal_connect (poller, "succeeded", G_CALLBACK (poll_succeeded_cb), bench);
      g_signal_connect (poller, "failed", G_CALLBACK (poll_failed_cb), bench);
    }
  if (!run_for (SETTLE_TIMEOUT_S, all_services_answered, bench))
    {
      GListModel *all = tw_profile_get_services (bench->profile);
      guint shown = 0, missing = 0;

      for (guint i = 0; i < g_list_model_get_n_items (all); i++)
        {
          g_autoptr(TwService) service = g_list_model_get_item (all, i);

          if (tw_service_get_last_success (service) != NULL)
            continue;
          missing++;
          if (shown++ < 10)
            g_printerr ("bench-poll: %s has not answered: %s\n", tw_service_get_id (service),
                        tw_service_get_last_error (service) != NULL
                        ? tw_service_get_last_error (service) : "no error");
        }
      g_printerr ("bench-poll: %u services have not answered\n", missing);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "Not every service answered a health poll within %d s", SETTLE_TIMEOUT_S);
      return FALSE;
    }
  open_s = (g_get_monotonic_time () - open0) / 1e6;
  settle_cpu = cpu_seconds () - cpu0;
  settle_max = bench->meter.max_late_us;
  n_open_stalls = bench->meter.n_stalls;
  /* One more interval, so the window starts in the steady state. */
  run_for (opt_interval, NULL, bench);

  /* 3. CPU without the meter: with a few hundred sources in the context, each of its
   * 1000 wakeups a second walks them all, so its cost is not the one measured alone. */
  meter_stop (&bench->meter);
  /* The opening's stalls (not the interval's after it), weighed against its canaries. */
  if (!finish_canaries (bench, open_canaries, error))
    return FALSE;
  bench->meter.n_stalls = n_open_stalls;
  open_own_max_us = meter_own_max_us (&bench->meter, open_canaries, &open_own_at_us,
                                      &open_own_over_16ms);
  open_stall = own_stall_detail (bench, open_canaries, open0);
  bench_read_begin (bench);
  if (!read_request_log (bench, any_url, seq_start, 0, &scan, error))
    return FALSE;
  bench_read_end (bench);
  run_for (opt_interval, NULL, bench);
  if (!scan_request_log (any_url, scan.last, 0, &scan, error))
    return FALSE;
  seq_net = scan.last;
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  run_for (opt_seconds, NULL, bench);
  net_cpu = cpu_seconds () - cpu0;
  net_pct = 100.0 * net_cpu / ((g_get_monotonic_time () - t0) / 1e6);
  real1 = g_get_real_time ();
  meter_start (&bench->meter);

  /* 4. The measured window, with the meter. */
  bench_read_begin (bench);
  if (!read_request_log (bench, any_url, seq_net, real1, &scan, error))
    return FALSE;
  bench->net_pct = net_pct;
  bench->net_cpu_s = net_cpu;
  bench->net_requests = scan.last_until - seq_net;
  bench_read_end (bench);
  /* A canary on every CPU over the window: the moments the whole machine stood still.
   * Started before the settling interval, out of the way of the window. */
  canaries = bench_canaries_start (dir, opt_interval + opt_seconds + 2, error);
  if (canaries == NULL)
    return FALSE;
  bench->canaries = canaries;
  /* An interval for the console to settle after the bench's read (its trim of the
   * heap), then what was logged since: one short page, read at once. */
  run_for (opt_interval, NULL, bench);
  if (!scan_request_log (any_url, scan.last, 0, &scan, error))
    return FALSE;
  seq0 = scan.last;
  bench->polls_ok = bench->polls_failed = 0;
  memset (&bench->frames, 0, sizeof bench->frames);
  meter_reset (&bench->meter);
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  run_for (opt_seconds, NULL, bench);
  cpu1 = cpu_seconds ();
  t1 = g_get_monotonic_time ();
  real1 = g_get_real_time ();
  meter_stop (&bench->meter);
  if (!finish_canaries (bench, canaries, error))
    return FALSE;
  own_max_us = meter_own_max_us (&bench->meter, canaries, &own_at_us, &own_over_16ms);
  stall_from = bench->meter.max_at_us - bench->meter.max_late_us;
  stall_paused_us = bench_canaries_paused_us (canaries, stall_from, bench->meter.max_at_us);
  stall_cpu_late = stall_cpu_late_us (canaries, bench->meter.max_at_us, bench->meter.max_late_us,
                                      bench->meter.max_cpus);
  count_states (bench, states);

  bench_read_begin (bench);
  scan.kinds = kinds;
  scan.keys = keys;
  if (!read_request_log (bench, any_url, seq0, real1, &scan, error))
    return FALSE;
  seq1 = scan.last_until;
  logged = seq1 - seq0;
  if (seq0 <= seq_start || seq1 <= seq0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The simulator's request log is empty: nothing was polled");
      return FALSE;
    }
  bench_read_end (bench);
  if (!opt_baseline && !build_floor_requests (bench, kinds, keys, error))
    return FALSE;

  raw_pct = 100.0 * (cpu1 - cpu0) / ((t1 - t0) / 1e6);

  printf ("Polling %d services every %d s for %.1f s (console pid %d, simulator in its own process)%s\n",
          opt_services, opt_interval, (t1 - t0) / 1e6, (int) getpid (),
          opt_hide_window ? ", window HIDDEN (diagnosis)" : "");
  printf ("  profile opened → every service answered: %.2f s, %.2f s CPU, worst stall %.1f ms "
          "(the opening's call itself: %.1f ms)\n",
          open_s, settle_cpu, settle_max / 1000.0, open_call_us / 1000.0);
  printf ("    the opening's longest stall with the time its CPU stood still taken out (the "
          "console's own): %.2f ms at +%.2f s\n", open_own_max_us / 1000.0,
          open_own_at_us > 0 ? (open_own_at_us - open0) / 1e6 : 0.0);
  if (open_stall != NULL)
    printf ("%s", open_stall);
  printf ("  stall meter alone (window, no profile): %.2f %% CPU, %u ticks in %d s, worst %.2f ms\n",
          meter_pct, calib_ticks, CALIBRATE_S, calib_max / 1000.0);
  printf ("  health polls the console saw: %u ok, %u failed (expected %u)\n",
          bench->polls_ok, bench->polls_failed, expected);
  printf ("  requests the simulator logged in the window: %" G_GINT64_FORMAT "\n", logged);
  printf ("  service states at the end: %u ok, %u degraded, %u unreachable, %u auth failed, "
          "%u error, %u unknown\n",
          states[TW_SERVICE_STATE_OK], states[TW_SERVICE_STATE_DEGRADED],
          states[TW_SERVICE_STATE_UNREACHABLE], states[TW_SERVICE_STATE_AUTH_FAILED],
          states[TW_SERVICE_STATE_ERROR], states[TW_SERVICE_STATE_UNKNOWN]);
  /* No goal of its own: issue 17's is the CPU per request against the floor's (below). */
  printf ("  CPU: %.2f %% of one core over %d s without the meter; "
          "%.2f %% (%.2f s in %.1f s) in the window with it\n",
          net_pct, opt_seconds, raw_pct, cpu1 - cpu0, (t1 - t0) / 1e6);
  printf ("  longest main-loop stall: %.2f ms at +%.1f s (%u ticks; %u over 5 ms, %u over 16 ms)"
          " — goal ≤ %.0f ms: %s\n",
          bench->meter.max_late_us / 1000.0, (bench->meter.max_at_us - t0) / 1e6,
          bench->meter.ticks, bench->meter.over_5ms, bench->meter.over_16ms, GOAL_STALL_MS,
          bench->meter.max_late_us / 1000.0 <= GOAL_STALL_MS ? "met" : "MISSED");
  if (bench->meter.max_run_us >= 0)
    printf ("    in that stall the main thread ran %.2f ms, waited %.2f ms for a CPU and slept "
            "%.2f ms (its schedstat)\n", bench->meter.max_run_us / 1000.0,
            bench->meter.max_wait_us / 1000.0,
            MAX (0, bench->meter.max_late_us + METER_PERIOD_MS * 1000 - bench->meter.max_run_us -
                    bench->meter.max_wait_us) / 1000.0);
  printf ("    the whole machine stood still (a canary on each of its %u CPUs late at once, "
          "over 5 ms) %u times in the window, at most %.2f ms; during that stall: %.2f ms\n",
          bench_canaries_get_n_cpus (canaries), bench_canaries_get_n_pauses (canaries),
          bench_canaries_get_longest_us (canaries) / 1000.0, stall_paused_us / 1000.0);
  printf ("    the CPU the main thread was on (%d, then %d) ran nothing new for %.2f ms of that "
          "stall (its canary, which a fresh wake-up runs within a few ms, was late)\n",
          bench->meter.max_cpus[0], bench->meter.max_cpus[1], stall_cpu_late / 1000.0);
  printf ("  longest stall with that time taken out of each (the console's own): %.2f ms at +%.1f s"
          " — goal ≤ %.0f ms: %s\n", own_max_us / 1000.0, own_at_us > 0 ? (own_at_us - t0) / 1e6 : 0.0,
          GOAL_STALL_MS, own_max_us / 1000.0 <= GOAL_STALL_MS ? "met" : "MISSED");
  print_own_stall (bench, canaries, t0);
  printf ("  window frames (update + layout + paint): %u, %.2f ms on average, longest %.2f ms, "
          "%.2f %% of the window's time\n",
          bench->frames.n, bench->frames.n > 0 ? bench->frames.total_us / 1000.0 / bench->frames.n : 0.0,
          bench->frames.max_us / 1000.0, 100.0 * bench->frames.total_us / (t1 - t0));
  peak_kb = console_peak_kb (bench);
  printf ("  peak RSS of the console: %.1f MB (the bench's own reads of the simulator's log "
          "not counted)\n", peak_kb / 1024.0);
  if (opt_baseline)
    printf ("RESULT poll-baseline services=%d seconds=%d peak_rss_kb=%ld\n",
            opt_services, opt_seconds, peak_kb);
  else if (opt_baseline_kb > 0 && opt_services > 5)
    {
      double per_service = (double) (peak_kb - opt_baseline_kb) / (opt_services - 5);

      printf ("  peak RSS per extra service: %.0f kB against %.1f MB with 5 services (the same "
              "bench, same run) — goal ≤ %.0f kB: %s\n", per_service, opt_baseline_kb / 1024.0,
              GOAL_KB_PER_SERVICE, per_service <= GOAL_KB_PER_SERVICE ? "met" : "MISSED");
    }
  printf ("RESULT poll services=%d seconds=%d cpu_pct=%.2f cpu_with_meter_pct=%.2f meter_alone_pct=%.2f "
          "stall_max_ms=%.2f stall_own_max_ms=%.2f machine_pauses=%u frame_max_ms=%.2f polls_ok=%u "
          "polls_failed=%u sim_requests=%" G_GINT64_FORMAT " expected=%u peak_rss_kb=%ld baseline_kb=%d\n",
          opt_services, opt_seconds, net_pct, raw_pct, meter_pct, bench->meter.max_late_us / 1000.0,
          own_max_us / 1000.0, bench_canaries_get_n_pauses (canaries), bench->frames.max_us / 1000.0, bench->polls_ok, bench->polls_failed, logged, expected,
          peak_kb, opt_baseline_kb);
  fflush (stdout);

  if (bench->floor_requests != NULL && !opt_baseline && !run_floor (bench, error))
    return FALSE;

  if (opt_soak_seconds > 0 && !run_soak (bench, error))
    return FALSE;

  /* Proof that the polling really happened, at the rate asked: within 10 %. */
  if (bench->polls_ok < expected * 9 / 10 || (guint64) logged < expected * 9 / 10)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Only %u successful polls and %" G_GINT64_FORMAT " simulator requests "
                   "where %u were expected", bench->polls_ok, logged, expected);
      return FALSE;
    }
  return TRUE;
}

/* NULL when the schema is not installed (g_settings_new () would abort). */
static GSettings *
settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

static void
activate_cb (GApplication *app,
             Bench        *bench)
{
  g_autoptr(GError) error = NULL;

  /* Once: the window is presented by TwApplication's own activate. */
  g_signal_handlers_disconnect_by_func (app, activate_cb, bench);
  g_application_hold (app);
  if (!measure (bench, &error))
    {
      g_printerr ("bench-poll: %s\n", error->message);
      bench->status = EXIT_FAILURE;
    }
  meter_stop (&bench->meter);
  tw_application_close_profile (bench->app);
  g_application_release (app);
  g_application_quit (app);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GSubprocess) floor_sim = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GHashTable) urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) floor_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *config_dir = NULL;
  g_autofree char *app_argv0 = NULL;
  char *app_argv[2];
  Bench bench = { 0 };
  GOptionEntry entries[] = {
    { "sim", 0, 0, G_OPTION_ARG_FILENAME, &opt_sim, "The tradewarden-sim executable", "PATH" },
    { "services", 0, 0, G_OPTION_ARG_INT, &opt_services, "Number of services (default 200)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Measured window (default 30)", "S" },
    { "interval", 0, 0, G_OPTION_ARG_INT, &opt_interval, "Poll interval in seconds (default 1)", "S" },
    { "soak-seconds", 0, 0, G_OPTION_ARG_INT, &opt_soak_seconds,
      "After the windows, poll S seconds more and report the resident set's growth", "S" },
    { "baseline", 0, 0, G_OPTION_ARG_NONE, &opt_baseline,
      "The baseline of the memory per service (run with --services 5): no floor; prints "
      "RESULT poll-baseline … peak_rss_kb=KB", NULL },
    { "baseline-kb", 0, 0, G_OPTION_ARG_INT, &opt_baseline_kb,
      "The --baseline run's peak RSS: print the peak RSS per extra service against it", "KB" },
    { "hide-window", 0, 0, G_OPTION_ARG_NONE, &opt_hide_window,
      "Diagnosis: hide the window before the profile opens (the core's share alone)", NULL },
    { NULL }
  };

  context = g_option_context_new ("— the console's CPU and main-loop stalls while polling");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-poll: %s. Try --help.\n", error->message);
      return EXIT_FAILURE;
    }
  if (opt_sim == NULL || opt_services < 5 || opt_seconds < 1 || opt_interval < 1 || opt_interval > 300)
    {
      g_printerr ("bench-poll: give --sim PATH, --services ≥ 5, --seconds ≥ 1, --interval 1…300\n");
      return EXIT_FAILURE;
    }

  /* A private configuration directory, before GLib reads (and caches) the variable. */
  config_dir = g_dir_make_tmp ("tw-bench-poll-XXXXXX", &error);
  if (config_dir == NULL)
    {
      g_printerr ("bench-poll: could not make a private configuration directory: %s\n",
                  error->message);
      return EXIT_FAILURE;
    }
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);

  sim = start_simulator (urls, &error);
  if (sim == NULL)
    {
      g_printerr ("bench-poll: could not start the simulator %s: %s\n", opt_sim, error->message);
      return EXIT_FAILURE;
    }

  /* The floor's: the same program and data, a process of its own, so that the floor
   * beside the console does not slow the console's answers (one simulator for both made
   * its answers slower, and the console's CPU a request rose by a fifth with them). */
  if (!opt_baseline)
    {
      floor_sim = start_simulator (floor_urls, &error);
      if (floor_sim == NULL)
        {
          g_printerr ("bench-poll: could not start the floor's simulator %s: %s\n", opt_sim,
                      error->message);
          g_subprocess_send_signal (sim, SIGTERM);
          g_subprocess_wait (sim, NULL, NULL);
          return EXIT_FAILURE;
        }
    }

  bench.urls = urls;
  bench.floor_urls = floor_urls;
  bench.secrets = tw_secrets_new_memory ();
  bench.profile = make_profile (urls, bench.secrets, &error);
  if (bench.profile == NULL)
    {
      g_printerr ("bench-poll: could not write and read back the profile: %s\n", error->message);
      bench.status = EXIT_FAILURE;
      goto out;
    }

  settings = settings_new ();
  if (settings == NULL)
    {
      g_printerr ("bench-poll: the GSettings schema %s is not installed: set GSETTINGS_SCHEMA_DIR "
                  "to the build's data directory\n", APP_ID);
      bench.status = EXIT_FAILURE;
      goto out;
    }
  g_settings_set_uint (settings, "poll-interval", (guint) opt_interval);

  bench.app = tw_application_new ();
  g_application_set_flags (G_APPLICATION (bench.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (bench.app, "activate", G_CALLBACK (activate_cb), &bench);
  app_argv0 = g_strdup (argv[0]);
  app_argv[0] = app_argv0;
  app_argv[1] = NULL;
  if (g_application_run (G_APPLICATION (bench.app), 1, app_argv) != 0 && bench.status == 0)
    bench.status = EXIT_FAILURE;

out:
  g_clear_object (&bench.app);
  g_clear_object (&bench.profile);
  g_clear_object (&bench.secrets);
  g_clear_pointer (&bench.floor_requests, g_free);
  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait (sim, NULL, NULL);
  if (floor_sim != NULL)
    {
      g_subprocess_send_signal (floor_sim, SIGTERM);
      g_subprocess_wait (floor_sim, NULL, NULL);
    }
  {
    g_autofree char *profiles = g_build_filename (config_dir, "tradewarden", "profiles", NULL);
    g_autofree char *conf = g_build_filename (profiles, PROFILE_NAME ".conf", NULL);
    g_autofree char *parent = g_path_get_dirname (profiles);

    g_unlink (conf);
    g_rmdir (profiles);
    g_rmdir (parent);
    g_rmdir (config_dir);
  }
  g_free (opt_sim);
  return bench.status;
}
