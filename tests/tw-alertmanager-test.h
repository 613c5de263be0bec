/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A real Alertmanager (Debian's prometheus-alertmanager) for one test, on a free
 * loopback port, its webhook receiver pointed at @webhook_url (short group_wait). */
typedef struct
{
  GSubprocess *process;
  char        *dir;
  guint        port;
  char        *url;   /* http://127.0.0.1:PORT */
} TwTestAlertmanager;

/* The binary, or NULL when the package is not installed. */
const char         *tw_test_alertmanager_binary  (void);
/* A free TCP port on 127.0.0.1 (bound and released). */
guint               tw_test_free_port            (void);
/* Starts it on @port and waits until it is ready (fails the test otherwise). */
TwTestAlertmanager *tw_test_alertmanager_start   (guint        port,
                                                  const char  *webhook_url);
void                tw_test_alertmanager_stop    (TwTestAlertmanager *am);
/* Blocking HTTP to it (never to a server on this thread's main loop). Returns the body
 * parsed (a JSON null node for an empty one), @status set. */
JsonNode           *tw_test_alertmanager_request (TwTestAlertmanager *am,
                                                  const char         *method,
                                                  const char         *path,
                                                  const char         *json_body,
                                                  guint              *status);
/* POSTs one alert: @labels_json an object, @ends_in_s 0 for none, <0 for already ended. */
void                tw_test_alertmanager_post_alert (TwTestAlertmanager *am,
                                                     const char         *labels_json,
                                                     const char         *annotations_json,
                                                     int                 ends_in_s);

/* A real Prometheus (Debian's prometheus), scraping @target ("127.0.0.1:PORT") every
 * second as job "investiq", evaluating @rules (a rule file's text) every second and
 * sending to the Alertmanager on @am_port. */
typedef struct
{
  GSubprocess *process;
  char        *dir;
  guint        port;
} TwTestPrometheus;

const char         *tw_test_prometheus_binary    (void);
TwTestPrometheus   *tw_test_prometheus_start     (guint        port,
                                                  guint        am_port,
                                                  const char  *target,
                                                  const char  *rules);
void                tw_test_prometheus_stop      (TwTestPrometheus *prometheus);

G_END_DECLS
