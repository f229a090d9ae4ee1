# The station's errors reach the page as {code, message}, the message in
# English. For the codes met at a desk, `error-<code, dots as dashes>` is
# what the page shows instead (the station's own words stay in the
# element's title, with their details); any other code shows the station's
# message as it is. These messages take no variables: the code carries none.

error-bridge-not_connected = This page is not running inside Issuance Station, so it cannot reach the station.
error-app-pin_refused = The service refused that PIN: type the PIN shown on the station.
error-app-flow_active = Finish or cancel the issuance on screen before changing settings.
error-app-saving_settings = The settings are being saved already; wait for that to finish.
error-app-no_request = The wallet has nothing to act on: no request is on screen.
error-app-unknown_flow = That issuance is no longer on this station; start a new one.
error-app-no_phone_page = No photo page is on screen: choose “The recipient's phone” in the photo step first.
error-app-photo_step_changed = The photo step changed while the phone's photo page was being prepared; choose “The recipient's phone” again.
error-photo-too_small = The picture is too small. Move closer or use a better camera.
error-photo-no_face = No face was found. Look straight at the camera, with the whole face in the frame.
error-photo-several_faces = Several faces were found. Only the recipient should be in the picture.
error-photo-face_too_small = The face is too small in the picture. Come closer to the camera.
error-photo-too_dark = The picture is too dark. Add light in front of the face.
error-photo-blurred = The picture is blurred. Hold still and check the camera's focus.
error-camera-none = No camera found: plug in a webcam, or set [camera] pictures in station.toml to use the synthetic camera.
error-camera-not_found = The chosen camera is not connected: plug it in, or choose another in Settings.
error-camera-busy = The camera is in use by another app: close it (a video call, a browser tab) and the preview comes back by itself.
error-camera-lost = The camera stopped sending pictures: check its cable; the preview comes back when it does.
error-camera-stopped = The camera is off: open the photo step again.
error-service-badOrMissingField = The wallet sent a wrong PIN (or wrong data). Start a new request and type the PIN exactly as shown.
error-service-userCanceled = The request was declined in the wallet.
error-service-requestedCredentialNotFound = The wallet has no credential that matches.
error-remote-invalid_email = The recipient's email address is not valid: enter it as name@domain, such as megan@example.com.
error-remote-invalid_phone = The recipient's mobile number is not valid: enter it in international format, a + then the country code and number (8 to 15 digits), such as +61491570006.
error-provider-unreachable = The credential service cannot be reached. Check the network connection and the service URL.
error-provider-auth = The sign-in service refused the station's credentials. Check the tenant, client ID and client secret in Settings.
error-queue-already_issued = This person already has this credential, or one on its way; to issue it again, give a reason for the override.
error-secret-keyring_unavailable = The operating system's keyring could not be used. On Linux a Secret Service (GNOME Keyring, KWallet) must be running and unlocked.
