/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-service-page.h"

G_BEGIN_DECLS

#define N_GROUPS (TW_DETAIL_N_SECTIONS + 1)

struct _TwServicePage
{
  AdwBin            parent_instance;

  GtkLabel         *title_label;
  GtkLabel         *subtitle_label;
  GtkLabel         *state_label;
  GtkWidget        *back_button;
  GtkBox           *sections_box;

  GtkWidget        *groups[N_GROUPS];
  GtkLabel         *errors[N_GROUPS];
  GtkListBox       *lists[N_GROUPS];
  GtkFilterListModel *filtered[N_GROUPS];
  GtkSearchEntry   *searches[N_GROUPS];
  TwSparkline      *sparkline;
  GtkLabel         *health_summary;
  GtkFlowBox       *figures_box;
  AdwActionRow     *clock_row;
  GtkListBox       *order_list;   /* the order last activated, and its approval */

  TwSession        *session;
  char             *service_id;
  TwServiceDetails *details;
  TwService        *service;
  guint             timer_id;

  /* tw-service-page-actions.c */
  GCancellable     *cancellable;   /* the quota reset on its way, cancelled on dispose */
  GtkWidget        *guard_dialog;  /* weak */
  GtkWidget        *audit_dialog;  /* weak: the audit trail last opened */
  char             *last_result;   /* what the last quota reset came to */
  guint             pending_section; /* N_GROUPS: none; else scrolled to once loaded */
};


/* tw-service-page-actions.c: the quota reset (service.reset-quota (s): a provider, ""
 * for all), an order's audit trail (service.show-audit-trail (s): a correlation id), a
 * section revealed once loaded */
void                       _tw_service_page_install_actions  (GtkWidgetClass *widget_class);
gboolean                   _tw_service_page_can_reset        (TwServicePage *self,
                                                              gboolean       one_provider);
/* Scrolls to the pending section (if any) once every section has been read. */
void                       _tw_service_page_reveal_pending   (TwServicePage *self);
void                       _tw_service_page_dispose_actions  (TwServicePage *self);
/* Appends the order detail's "Audit Trail" row for @correlation_id, when the connector
 * reads audit trails. */
void                       _tw_service_page_add_audit_row    (TwServicePage *self,
                                                              const char    *correlation_id);

/* tw-service-page-rows.c: the rows of each section, and formatting */
/* tw-service-page-sections.c */
void                       _tw_service_page_build_sections   (TwServicePage *self);
void                       _tw_service_page_clear_sections   (TwServicePage *self);
void                       _tw_service_page_bind_lists       (TwServicePage *self,
                                                              gboolean       bind);

GtkListBoxCreateWidgetFunc _tw_service_page_row_factory      (guint       section);
/* "NaN", "+Inf", "−Inf", whole numbers without decimals, else 6 significant digits */
char                      *_tw_service_page_format_number    (double      value);
/* An RFC 3339 time as the console shows times; the text itself when it is not one;
 * NULL for NULL */
char                      *_tw_service_page_format_iso_time  (const char *text);
GtkWidget                 *_tw_service_page_new_row          (const char *title,
                                                              const char *subtitle);
GtkWidget                 *_tw_service_page_suffix_label     (GtkWidget  *row,
                                                              const char *text,
                                                              const char *style);

G_END_DECLS
