/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-component.h"
#include "tw-guard.h"
#include "tw-service.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* The checklist items the console works out itself from the services' live state
 * (tw_guard_check_is_automatic()): "health green" and "broker connected". The action
 * runner applies them at send time, over whatever a caller ticked, so no front end can
 * make a red service green; the guard dialog shows the same evaluation. */

/* TRUE when @workspace has services and every one is OK with current data (not stale).
 * @not_ok: (out) (optional) (transfer container) (element-type TwService): those that
 * are not, in the profile's order. */
gboolean  tw_guard_live_health_green      (TwWorkspace     *workspace,
                                           GPtrArray      **not_ok);
/* Whether the broker that @service_id trades through is connected: the service's own
 * "broker" component when its health reports one (that component OK and the service
 * reachable); otherwise the profile's broker service (the first whose connector has
 * the role "broker") in state OK with current data.
 * @source: (out) (optional) (transfer none) (nullable): the service whose view decided
 *   (NULL when there is neither a broker component nor a broker service);
 * @component: (out) (optional) (transfer none) (nullable): its broker component, NULL
 *   when the broker service decided. */
gboolean  tw_guard_live_broker_connected  (TwWorkspace     *workspace,
                                           const char      *service_id,
                                           TwService      **source,
                                           TwComponent    **component);
/* Sets every automatic item of @request's checklist from @workspace (ticked when met,
 * unticked when not, whatever was ticked before).
 * Returns: (transfer full) (nullable): NULL when all are met, otherwise a plain English
 * account of what is not ("Autotrader is unreachable"), for refusals and the audit log. */
char     *tw_guard_live_apply             (TwGuardRequest  *request,
                                           TwWorkspace     *workspace,
                                           const char      *service_id);

G_END_DECLS
