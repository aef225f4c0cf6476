-- An email address added to an account waits for its owner's click before it joins the profile: the link remembers the
-- address's Type ("Primary", "Secondary", ...). Kind 'delete' links confirm an account's deletion.
ALTER TABLE account_links ADD COLUMN email_type VARCHAR(64);
