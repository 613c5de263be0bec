/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-service-details.h"
#include "tw-session.h"
#include "tw-sparkline.h"

G_BEGIN_DECLS

/* A service's own page, pushed from the Overview: Health (its components, a sparkline
 * of the last hour), then only the sections its connector declares: Metrics (key
 * figures first, the rest in a searchable table), Rate limits (level bars, a warning
 * above 80 %; with the connector's resets, a guarded quota reset: service.reset-quota
 * (s), "" for all), Rate-limit metrics, Security checks, Trades (searchable), Models,
 * Market clock, Orders and approvals (the correlation id links to the Logs page, and
 * to the order's audit trail where the connector reads it). A
 * section read from another address of the service (an "endpoint") says which. Reads
 * its TwServiceDetails when shown and at the poll interval while it stays shown. */
#define TW_SERVICE_PAGE_HEALTH TW_DETAIL_N_SECTIONS

#define TW_TYPE_SERVICE_PAGE (tw_service_page_get_type ())
G_DECLARE_FINAL_TYPE (TwServicePage, tw_service_page, TW, SERVICE_PAGE, AdwBin)

GtkWidget   *tw_service_page_new            (void);
/* @session: (nullable) */
void         tw_service_page_set_session    (TwServicePage *self,
                                             TwSession     *session);
/* @service_id: (nullable) the service shown */
void         tw_service_page_set_service_id (TwServicePage *self,
                                             const char    *service_id);
const char  *tw_service_page_get_service_id (TwServicePage *self);

/* For tests: what the page shows. @section a TwDetailSection or TW_SERVICE_PAGE_HEALTH. */
gboolean     tw_service_page_shows_section  (TwServicePage *self,
                                             guint          section);
guint        tw_service_page_get_n_rows     (TwServicePage *self,
                                             guint          section);
/* (nullable) the title of row @i of @section */
const char  *tw_service_page_get_row_title  (TwServicePage *self,
                                             guint          section,
                                             guint          i);
/* Whether row @i of @section wears the "warning" or "error" style. */
gboolean     tw_service_page_row_is_flagged (TwServicePage *self,
                                             guint          section,
                                             guint          i);
/* (nullable) the section's error line, NULL when hidden */
const char  *tw_service_page_get_error      (TwServicePage *self,
                                             guint          section);
guint        tw_service_page_get_n_figures  (TwServicePage *self);
/* Types into the search entry of the metrics or trades table. */
void         tw_service_page_set_search     (TwServicePage *self,
                                             guint          section,
                                             const char    *text);
TwSparkline *tw_service_page_get_sparkline  (TwServicePage *self);
GtkWidget   *tw_service_page_get_back_button (TwServicePage *self);
/* Scrolls the page to @section's heading (a TwDetailSection or TW_SERVICE_PAGE_HEALTH). */
void         tw_service_page_scroll_to      (TwServicePage *self,
                                             guint          section);
/* Activates row @i of @section, as a click or Enter on it does. */
void         tw_service_page_activate_row   (TwServicePage *self,
                                             guint          section,
                                             guint          i);
/* (nullable) the value the order detail shows for @title ("Approval", "State"…) */
const char  *tw_service_page_get_order_field (TwServicePage *self,
                                              const char    *title);
/* Scrolls to @section once every section has been read (the ones above it change
 * height as they are), and moves the keyboard there: the guard's "Recent trades
 * reviewed" opens the trades this way. */
void         tw_service_page_reveal_section (TwServicePage *self,
                                             guint          section);
/* For tests: whether @section's heading is in the upper half of the view, or in
 * view with the page scrolled to its end. */
gboolean     tw_service_page_section_in_view (TwServicePage *self,
                                              guint          section);
/* (nullable) what the last quota reset came to, as the toast said it */
const char  *tw_service_page_get_last_result (TwServicePage *self);
/* (nullable) (transfer none) the guard dialog of a quota reset, while open */
GtkWidget   *tw_service_page_get_guard_dialog (TwServicePage *self);
/* Activates the order detail's row titled @title as a click does; FALSE when there is
 * none or it leads nowhere. ("Correlation ID" opens the Logs page filtered to it.) */
gboolean     tw_service_page_activate_order_field (TwServicePage *self,
                                                   const char    *title);
/* (nullable) (transfer none) the audit trail window last opened ("Audit Trail"), while
 * open */
GtkWidget   *tw_service_page_get_audit_dialog (TwServicePage *self);
/* (nullable) the clock row's title ("Market open"…) */
const char  *tw_service_page_get_clock_text (TwServicePage *self);

G_END_DECLS
