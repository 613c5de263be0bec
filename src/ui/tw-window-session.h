/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tw-session.h"

G_BEGIN_DECLS

/* The window's pages that wait for its session (tw-window-session.c): a page not shown
 * gets the session after the call that set it, one page per main-loop round below
 * drawing, or at once when it is shown or asked for, whichever comes first. A waiting
 * page holds no session. */
typedef struct _TwWindowSessions TwWindowSessions;

TwWindowSessions *_tw_window_sessions_new         (void);
void              _tw_window_sessions_free        (TwWindowSessions *self);
void              _tw_window_sessions_set_session (TwWindowSessions *self,
                                                   TwSession        *session);
GPtrArray        *_tw_window_sessions_take        (TwWindowSessions *self);
void              _tw_window_sessions_defer       (TwWindowSessions *self,
                                                   GtkWidget        *page);
void              _tw_window_sessions_hand        (TwWindowSessions *self,
                                                   GtkWidget        *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwWindowSessions, _tw_window_sessions_free)

G_END_DECLS
