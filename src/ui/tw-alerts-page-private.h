/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-alerts-page.h"
#include "tw-alerts-service.h"

G_BEGIN_DECLS

/* Shared by tw-alerts-page.c and tw-alerts-page-details.c */
struct _TwAlertsPage
{
  AdwBin              parent_instance;

  TwAlertsService    *alerts;
  GListStore         *root;
  GtkTreeListModel   *tree;
  GtkSingleSelection *selection;
  GHashTable         *expanded;      /* group names */
  GHashTable         *groups;        /* name → TwAlertsGroup of the last rebuild */
  GHashTable         *dirty;         /* rows (items, groups) whose look changed */
  char               *selected_key;
  char               *filter_text;
  int                 filter_severity; /* -1: all */
  guint               rebuild_id;
  guint               n_rows;
  guint               n_groups;
  guint               n_rebuilds;
  guint               busy;
  char               *last_error;
  char               *details_title;
  char               *details_state;
  char               *details_ack;     /* the acknowledgement line, NULL when none */
  gboolean            restoring;
  GPtrArray          *silences;        /* TwAlertSilence, the last listed */
  guint               n_silence_loads;
  GtkWindow          *silences_window;
  GtkListBox         *silences_box;

  GtkSearchEntry     *search;
  GtkDropDown        *severity;
  GtkLabel           *count_label;
  GtkLabel           *receiver_label;
  GtkListView        *list;
  GtkStack           *stack;
  GtkBox             *details;
};

TwAlertItem *_tw_alerts_page_selected_item    (TwAlertsPage *self);
/* tw-alerts-page-words.c */
const char  *_tw_alerts_page_severity_icon    (TwAlertSeverity severity);
const char  *_tw_alerts_page_severity_style   (TwAlertSeverity severity);
const char  *_tw_alerts_page_severity_name    (TwAlertSeverity severity);
char        *_tw_alerts_page_format_time      (GDateTime    *time);
char        *_tw_alerts_page_state_text       (TwAlertItem  *item);
/* "Acknowledged by X at 07:18, until 08:18": the times' dates only when not @now's day;
 * @until NULL: until the alert resolves. */
char        *_tw_alerts_page_format_ack_line  (const char   *by,
                                               GDateTime    *at,
                                               GDateTime    *until,
                                               GDateTime    *now);
const char  *_tw_alerts_page_state_style      (TwAlertItem  *item);
void         _tw_alerts_page_show_details     (TwAlertsPage *self);
void         _tw_alerts_page_set_style        (GtkWidget    *widget,
                                               const char   *style);
void         _tw_alerts_page_ack_clicked      (GtkButton    *button,
                                               TwAlertsPage *self);
void         _tw_alerts_page_unack_clicked    (GtkButton    *button,
                                               TwAlertsPage *self);
void         _tw_alerts_page_silence_clicked  (GtkButton    *button,
                                               TwAlertsPage *self);

/* tw-alerts-page-silences.c: the Silences window (transfer none). */
GtkWindow   *_tw_alerts_page_open_silences    (TwAlertsPage *self);

/* For tests. More than this many rows after filtering: grouped by alert name. */
#define TW_ALERTS_PAGE_GROUP_THRESHOLD 8

/* Rows shown at the top level (groups count once), after the last rebuild. */
guint      _tw_alerts_page_get_n_rows        (TwAlertsPage *self);
guint      _tw_alerts_page_get_n_groups      (TwAlertsPage *self);
/* How many times the rows were built, without building them. */
guint      _tw_alerts_page_get_n_rebuilds    (TwAlertsPage *self);
/* Selects the alert @key (expanding its group); FALSE when it is not shown. */
gboolean   _tw_alerts_page_select            (TwAlertsPage *self,
                                              const char   *key);
/* The details pane's title (the selected alert's name), its state line. */
const char *_tw_alerts_page_get_details_title (TwAlertsPage *self);
const char *_tw_alerts_page_get_details_state (TwAlertsPage *self);
/* The details pane's acknowledgement line, NULL when the alert is not acknowledged. */
const char *_tw_alerts_page_get_details_ack   (TwAlertsPage *self);
/* Opens the silence dialog of the selected alert (transfer none). */
AdwMessageDialog *_tw_alerts_page_open_silence_dialog (TwAlertsPage *self);
/* Its fields */
void       _tw_alerts_page_fill_silence      (AdwMessageDialog *dialog,
                                              const char       *reason,
                                              guint             hours,
                                              const char       *typed_name);
void       _tw_alerts_page_set_filter        (TwAlertsPage *self,
                                              const char   *text,
                                              int           severity);
/* TRUE while an action of the page waits for its answer. */
gboolean   _tw_alerts_page_is_busy           (TwAlertsPage *self);
/* What the page says of the webhook receiver. */
const char *_tw_alerts_page_get_receiver_text (TwAlertsPage *self);
/* The last error the page showed (NULL: none). */
const char *_tw_alerts_page_get_last_error   (TwAlertsPage *self);

/* The Silences window's rows, how many lists have come, the Expire dialog of row @index. */
guint             _tw_alerts_page_get_n_silences      (TwAlertsPage *self);
guint             _tw_alerts_page_get_n_silence_loads (TwAlertsPage *self);
AdwMessageDialog *_tw_alerts_page_open_expire_dialog  (TwAlertsPage *self,
                                                       guint         index);

G_END_DECLS
