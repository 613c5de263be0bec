/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-application-private.h"

#include <glib/gi18n.h>

/* The window's pages after the Overview. Each is a lazy page of the window: its sidebar
 * entry exists at once, its widgets are built when it is first shown or asked for, or right
 * after the window's first frame, so that frame waits only for what it shows. A page gets
 * its context (the open profile's objects) as it is built, and again whenever the profile
 * changes. */

/* Risk controls */

static void
set_breakers_page_context (TwApplication *self,
                           gboolean       on)
{
  if (self->breakers_page != NULL)
    tw_breakers_page_set_context (self->breakers_page,
                                  on ? self->workspace : NULL,
                                  on ? self->monitor : NULL,
                                  on ? self->runner : NULL);
}

static void
set_audit_page_context (TwApplication *self,
                        gboolean       on)
{
  if (self->audit_page != NULL)
    tw_audit_page_set_context (self->audit_page, self->audit_log, on ? self->runner : NULL);
}

void
_tw_application_set_page_contexts (TwApplication *self,
                                   gboolean       on)
{
  set_breakers_page_context (self, on);
  set_audit_page_context (self, on);
}

static GtkWidget *
build_breakers_page (TwWindow *window,
                     gpointer  user_data)
{
  TwApplication *self = user_data;
  GtkWidget *breakers = tw_breakers_page_new ();

  self->breakers_page = TW_BREAKERS_PAGE (breakers);
  g_object_add_weak_pointer (G_OBJECT (breakers), (gpointer *) &self->breakers_page);
  set_breakers_page_context (self, self->workspace != NULL);
  /* A Halt All that failed while no window was shown. */
  if (self->halt_failure != NULL)
    tw_breakers_page_set_halt_failure (self->breakers_page, self->halt_failure);
  return breakers;
}

static GtkWidget *
build_audit_page (TwWindow *window,
                  gpointer  user_data)
{
  TwApplication *self = user_data;
  GtkWidget *audit = tw_audit_page_new ();

  self->audit_page = TW_AUDIT_PAGE (audit);
  g_object_add_weak_pointer (G_OBJECT (audit), (gpointer *) &self->audit_page);
  set_audit_page_context (self, self->workspace != NULL);
  return audit;
}

/* Backups */

void
_tw_application_set_backups_page_context (TwApplication *self)
{
  if (self->backups_page == NULL)
    return;
  tw_backups_page_set_save_profile (self->backups_page,
                                    self->secrets != NULL && !tw_secrets_is_memory (self->secrets));
  tw_backups_page_set_context (self->backups_page, self->backups, self->workspace,
                               self->runner, self->monitor, self->backup_scheduler);
}

static GtkWidget *
build_backups_page (TwWindow *window,
                    gpointer  user_data)
{
  TwApplication *self = user_data;
  GtkWidget *page = tw_backups_page_new ();

  self->backups_page = TW_BACKUPS_PAGE (page);
  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &self->backups_page);
  _tw_application_set_backups_page_context (self);
  return page;
}

/* Positions and orders */

static void
set_positions_page_context (TwApplication *self)
{
  if (self->positions_page != NULL)
    tw_positions_page_set_context (self->positions_page, self->portfolio,
                                   self->portfolio != NULL ? self->runner : NULL);
}

static void
set_orders_page_context (TwApplication *self)
{
  if (self->orders_page != NULL)
    tw_orders_page_set_context (self->orders_page, self->portfolio,
                                self->portfolio != NULL ? self->runner : NULL);
}

void
_tw_application_set_trading_page_contexts (TwApplication *self)
{
  set_positions_page_context (self);
  set_orders_page_context (self);
}

static GtkWidget *
build_positions_page (TwWindow *window,
                      gpointer  user_data)
{
  TwApplication *self = user_data;
  GtkWidget *positions = tw_positions_page_new ();

  self->positions_page = TW_POSITIONS_PAGE (positions);
  g_object_add_weak_pointer (G_OBJECT (positions), (gpointer *) &self->positions_page);
  set_positions_page_context (self);
  return positions;
}

static GtkWidget *
build_orders_page (TwWindow *window,
                   gpointer  user_data)
{
  TwApplication *self = user_data;
  GtkWidget *orders = tw_orders_page_new ();

  self->orders_page = TW_ORDERS_PAGE (orders);
  g_object_add_weak_pointer (G_OBJECT (orders), (gpointer *) &self->orders_page);
  set_orders_page_context (self);
  return orders;
}

/* The window holds a reference on the application: @self outlives the window's pages. */
void
_tw_application_add_pages (TwApplication *self)
{
  tw_window_add_lazy_page (self->window, "breakers", _("Breakers"), "dialog-warning-symbolic",
                           build_breakers_page, self, NULL);
  tw_window_add_lazy_page (self->window, "audit", _("Audit"), "document-properties-symbolic",
                           build_audit_page, self, NULL);
  tw_window_add_lazy_page (self->window, "backups", _("Backups"), "drive-harddisk-symbolic",
                           build_backups_page, self, NULL);
  tw_window_add_lazy_page (self->window, "positions", _("Positions"), "view-list-symbolic",
                           build_positions_page, self, NULL);
  tw_window_add_lazy_page (self->window, "orders", _("Orders"), "view-list-bullet-symbolic",
                           build_orders_page, self, NULL);
}

TwBreakersPage *
tw_application_get_breakers_page (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  tw_window_get_page (tw_application_get_window (self), "breakers");
  return self->breakers_page;
}

TwAuditPage *
tw_application_get_audit_page (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  tw_window_get_page (tw_application_get_window (self), "audit");
  return self->audit_page;
}
