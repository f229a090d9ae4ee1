# The desk's Settings screen (index.html, ui/js/settings.js). Service
# names (Microsoft Entra Verified ID, Verified Orchestration, OID4VCI) are
# product names: they stay as they are in every language.

settings-title = Settings
settings-service = Credential service
settings-service-sandbox = Sandbox (built-in emulator, no tenant needed)
settings-service-entra = Microsoft Entra Verified ID
settings-service-orchestration = Verified Orchestration
settings-service-oid4vci = OID4VCI issuer (admin API)
settings-service-hint = Saving moves this station's own credentials (those of the services “entra”, “orchestration” and “oid4vci” in the config file) to the service chosen here. Credentials an administrator set up for other services stay on the Home screen as they are.
settings-entra = Microsoft Entra Verified ID
settings-tenant-id = Tenant ID
settings-client-id = Client ID
settings-client-secret = Client secret
# $name: the secret's entry in the keyring, e.g. "entra".
settings-secret-hint = Stored in the operating system's keyring under “{ $name }”, never shown again.
# Followed by the variable's name, e.g. STATION_SECRET_ENTRA.
settings-secret-env = If set, this environment variable is used instead:
settings-entra-authority = Issuer DID (authority)
settings-entra-manifest = Manifest URL
settings-orchestration = Verified Orchestration
settings-orchestration-api-url = GraphQL API URL
settings-orchestration-token-url = Token URL
settings-orchestration-scope = Scope
settings-orchestration-contract-id = Contract ID
settings-orchestration-events = Events
settings-orchestration-subscription = Subscription (no public URL needed)
settings-orchestration-callback = Callback to this station (needs the callback public URL)
settings-orchestration-ws-url = WebSocket URL (optional)
settings-orchestration-ws-hint = Leave empty to use the GraphQL API URL as wss://.
settings-oid4vci = OID4VCI issuer
settings-oid4vci-api-base = Admin API base URL
settings-oid4vci-api-key = API key
settings-oid4vci-definition = Credential definition ID
settings-oid4vci-mode = Issuance mode
settings-oid4vci-in-time = In time: the credential is issued at once
settings-oid4vci-deferred = Deferred: the claims go to the issuer once a wallet took the offer
settings-oid4vci-scheme = Offer link scheme
settings-oid4vci-poll = Status check interval, in milliseconds
settings-oid4vci-lifetime = Seconds an unused offer is shown
settings-credential = Credential to issue
settings-credential-type = Credential type
settings-callback = Callback
settings-callback-url = Callback public URL
settings-callback-hint = The HTTPS address of the reverse proxy or tunnel that forwards to this station; the service calls it when a wallet opens a request.
settings-camera = Camera
settings-camera-device = Camera
settings-camera-hint = Remembered by name, so it is found again whichever USB port it is in.
settings-camera-default = Default: the first camera found (or the config's pictures)
# $camera: the saved camera's name.
settings-camera-unplugged = { $camera } (not connected)
settings-resolution = Resolution
settings-resolution-vga = 640 × 480
settings-resolution-hd = 1280 × 720 (HD)
settings-resolution-full-hd = 1920 × 1080 (Full HD)
settings-station = Station
settings-kiosk = Kiosk: start full screen (applies at next start)
settings-result-secs = Seconds a result stays on screen
settings-language = Language
settings-language-hint = The desk's language. A kiosk returns to the station's own language after each visitor.
settings-secret-stored =
    .placeholder = •••••• stored — type to replace
settings-secret-missing =
    .placeholder = not stored yet
# $path: the config file, e.g. /etc/station/station.toml.
settings-saved-to = Saved to { $path }
settings-test-connection = Test connection
settings-save = Save
settings-checks =
    .aria-label = Connection checks
settings-checking = Checking…
settings-choose-service = Choose a credential service first.
# $field: the field's label, e.g. "Seconds an unused offer is shown".
settings-not-whole = “{ $field }” must be a whole number, or empty for the default.
settings-saved = Saved. The station now uses these settings.
# $name: what was checked; $detail: the station's own words about it.
settings-check-passed = ✔ { $name }: { $detail }
settings-check-failed = ✘ { $name }: { $detail }
