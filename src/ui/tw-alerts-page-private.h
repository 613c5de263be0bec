/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-alerts-page.h"
#include "tw-alerts-service.h"

G_BEGIN_DECLS

/* For tests. More than this many rows after filtering: grouped by alert name. */
#define TW_ALERTS_PAGE_GROUP_THRESHOLD 8

/* Rows shown at the top level (groups count once), after the last rebuild. */
guint      _tw_alerts_page_get_n_rows        (TwAlertsPage *self);
guint      _tw_alerts_page_get_n_groups      (TwAlertsPage *self);
/* Selects the alert @key (expanding its group); FALSE when it is not shown. */
gboolean   _tw_alerts_page_select            (TwAlertsPage *self,
                                              const char   *key);
/* The details pane's title (the selected alert's name), its state line. */
const char *_tw_alerts_page_get_details_title (TwAlertsPage *self);
const char *_tw_alerts_page_get_details_state (TwAlertsPage *self);
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

G_END_DECLS
