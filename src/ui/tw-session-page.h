/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tw-session.h"

G_BEGIN_DECLS

/* A window page that shows the open profile: the window hands it its session when the
 * page is built and whenever the session changes (NULL: no profile). The page takes
 * what it needs from the session (binds, connects, holds) and lets go of all of it on
 * NULL, so a closed profile's services are not kept by the window. */
#define TW_TYPE_SESSION_PAGE (tw_session_page_get_type ())
G_DECLARE_INTERFACE (TwSessionPage, tw_session_page, TW, SESSION_PAGE, GtkWidget)

struct _TwSessionPageInterface
{
  GTypeInterface parent_iface;

  void (*set_session) (TwSessionPage *self,
                       TwSession     *session);
};

/* @session: (nullable) */
void tw_session_page_set_session (TwSessionPage *self,
                                  TwSession     *session);

G_END_DECLS
