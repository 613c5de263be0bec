/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-session-page.h"

G_DEFINE_INTERFACE (TwSessionPage, tw_session_page, GTK_TYPE_WIDGET)

static void
tw_session_page_default_init (TwSessionPageInterface *iface)
{
}

void
tw_session_page_set_session (TwSessionPage *self,
                             TwSession     *session)
{
  g_return_if_fail (TW_IS_SESSION_PAGE (self));
  g_return_if_fail (session == NULL || TW_IS_SESSION (session));

  TW_SESSION_PAGE_GET_IFACE (self)->set_session (self, session);
}
