-- A neutralized duplicate (staging) must never talk to the seller's live Amazon data:
-- every account is switched off and marked; its credentials are unreadable here anyway
-- (the copy has a new database.secret), so linking on staging means a fresh consent.
UPDATE amazon_account SET sp_neutralized = true;
DELETE FROM amazon_spapi_token;
UPDATE amazon_spapi_connect_link SET revoked = true WHERE used_at IS NULL;
-- wizard rows are drafts of an administrator's dialog on the original: none belongs on a copy
DELETE FROM amazon_spapi_private_app;
DELETE FROM amazon_spapi_rotate_secret;
DELETE FROM amazon_spapi_link_wizard;
