"""Running the portal: the health endpoint monitors read and the sysadmin
page of mail delivered to the local SMTP sink."""
