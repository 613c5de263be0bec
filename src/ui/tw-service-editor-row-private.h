/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-service-editor-row.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

const char  *tw_service_editor_row_get_base_url     (TwServiceEditorRow  *self);
void         tw_service_editor_row_set_base_url     (TwServiceEditorRow  *self,
                                                     const char          *url);
/* Sets the password row of secret @name; FALSE if the connector has no such secret. */
gboolean     tw_service_editor_row_set_secret       (TwServiceEditorRow  *self,
                                                     const char          *name,
                                                     const char          *value);

/* The row of the connector's endpoint whose profile key is @setting ("RateGateUrl",
 * "MlServiceUrl"): typed into; FALSE when the connector has none. */
gboolean     tw_service_editor_row_set_endpoint_url (TwServiceEditorRow  *self,
                                                     const char          *setting,
                                                     const char          *url);
/* (nullable) what it shows; NULL when there is no such row */
const char  *tw_service_editor_row_get_endpoint_url (TwServiceEditorRow  *self,
                                                     const char          *setting);

/* The flags issue: the service's .env path as typed. */
void         tw_service_editor_row_set_env_file     (TwServiceEditorRow  *self,
                                                     const char          *path);

G_END_DECLS
