/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-overview-page.h"
#include "tw-session.h"

G_BEGIN_DECLS

/* The console's window: header bar with the profile's name and PAPER/LIVE badge,
 * a sidebar of pages, the pages, toasts; the "No Profile Yet" page without a session.
 * Property: "session" (TwSession, nullable): the open profile. The window hands it to
 * each page that is a TwSessionPage (the Overview, Breakers, Audit, Backups, Positions,
 * Orders) when the page is built and whenever it changes, and starts it
 * (tw_session_start) after its first frame, or at once when it is not on its way to the
 * screen; it never closes it.
 * Actions: win.page (int 1..9: the n-th page), win.show-page (string: page id).
 * Signal: "first-frame" (no arguments), once, right after the window's first painted
 * frame; then the window builds the lazy pages not built yet. */
#define TW_TYPE_WINDOW (tw_window_get_type ())
G_DECLARE_FINAL_TYPE (TwWindow, tw_window, TW, WINDOW, AdwApplicationWindow)

/* Builds a lazy page: returns a new (floating) widget. */
typedef GtkWidget *(*TwWindowPageFunc) (TwWindow *window,
                                        gpointer  user_data);

TwWindow       *tw_window_new               (GtkApplication *application);
/* (nullable) (transfer none) */
TwSession      *tw_window_get_session       (TwWindow       *self);
void            tw_window_set_session       (TwWindow       *self,
                                             TwSession      *session);
/* (nullable) (transfer none) the session's workspace */
TwWorkspace    *tw_window_get_workspace     (TwWindow       *self);
/* Adds a page to the sidebar (in order) and the stack. @page is (transfer floating). */
void            tw_window_add_page          (TwWindow       *self,
                                             const char     *id,
                                             const char     *title,
                                             const char     *icon_name,
                                             GtkWidget      *page);
/* Adds a page whose sidebar entry exists now and whose widget @func builds when the page
 * is first shown or asked for (tw_window_get_page), or right after the first frame. */
void            tw_window_add_lazy_page     (TwWindow         *self,
                                             const char       *id,
                                             const char       *title,
                                             const char       *icon_name,
                                             TwWindowPageFunc  func,
                                             gpointer          user_data,
                                             GDestroyNotify    destroy);
/* (transfer none) (nullable) the page @id, built now if it was lazy; NULL if no such page. */
GtkWidget      *tw_window_get_page          (TwWindow       *self,
                                             const char     *id);
/* TRUE once the window painted its first frame. */
gboolean        tw_window_has_painted       (TwWindow       *self);
/* FALSE if no such page. */
gboolean        tw_window_show_page         (TwWindow       *self,
                                             const char     *id);
const char     *tw_window_get_visible_page  (TwWindow       *self);
/* @toast: (transfer full) */
void            tw_window_add_toast         (TwWindow       *self,
                                             AdwToast       *toast);
/* Rebuilds the "Open Profile" submenu (app.open-profile items). @names: (nullable) */
void            tw_window_set_profile_names (TwWindow           *self,
                                             const char * const *names);
TwOverviewPage *tw_window_get_overview_page (TwWindow       *self);
/* A badge on the sidebar row of page @id: @text (NULL hides it, e.g. "1" or "!"), its
 * @style ("error", "warning") and @description, which the row's accessible name and the
 * badge's tooltip carry ("Breakers: 1 breaker tripped"). */
void            tw_window_set_page_badge    (TwWindow       *self,
                                             const char     *id,
                                             const char     *text,
                                             const char     *style,
                                             const char     *description);
/* (nullable) the badge's text, NULL when hidden. */
const char     *tw_window_get_page_badge    (TwWindow       *self,
                                             const char     *id);
/* "PAPER", "LIVE", or NULL without a profile: what the header bar shows. */
const char     *tw_window_get_badge_text    (TwWindow       *self);
/* (transfer none) the header bar's "Halt All" button (app.halt), shown with a profile. */
GtkWidget      *tw_window_get_halt_button   (TwWindow       *self);
/* Whether closing the window remembers its size in GSettings (default TRUE; the demo
 * remembers nothing). */
void            tw_window_set_saves_state   (TwWindow       *self,
                                             gboolean        saves_state);
/* TRUE while the "No Profile Yet" page is shown. */
gboolean        tw_window_is_empty          (TwWindow       *self);

G_END_DECLS
