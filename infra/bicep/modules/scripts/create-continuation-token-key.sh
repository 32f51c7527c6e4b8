#!/bin/sh
# Creates the Key Vault secret the app signs continuation tokens with, once: an existing key is
# never overwritten (that would invalidate every paging token in flight; rotation is deliberate,
# docs/deploy.md step 8). Runs in the deployment script's Azure CLI container, as an identity
# holding Key Vault Secrets Officer on the vault; the key never passes through the deployment.
#
# Environment: VAULT_NAME, SECRET_NAME, VALIDITY_DAYS; RETRY_SECONDS (default 15) between tries
# while the new role assignment propagates.
set -u

attempts=20
attempt=1
while [ "$attempt" -le "$attempts" ]; do
  # --query id: the value itself is never printed, so it never reaches the script's log.
  if found=$(az keyvault secret show --vault-name "$VAULT_NAME" --name "$SECRET_NAME" \
      --query id --output tsv 2>&1); then
    echo "$SECRET_NAME already exists in $VAULT_NAME; left as it is"
    exit 0
  fi
  case "$found" in
    *SecretNotFound*)
      # 48 random bytes (384 bits), base64: the app needs at least 32 bytes of key material.
      key=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
      # date -d @seconds works with GNU and BusyBox date alike.
      expires=$(date -u -d "@$(( $(date +%s) + VALIDITY_DAYS * 86400 ))" +%Y-%m-%dT%H:%M:%SZ)
      if created=$(az keyvault secret set --vault-name "$VAULT_NAME" --name "$SECRET_NAME" \
          --value "$key" --expires "$expires" --output none 2>&1); then
        echo "created $SECRET_NAME in $VAULT_NAME (expires $expires)"
        exit 0
      fi
      case "$created" in
        *ObjectIsDeletedButRecoverable*)
          echo "$SECRET_NAME is deleted but recoverable in $VAULT_NAME: recover it with" \
            "az keyvault secret recover --vault-name $VAULT_NAME --name $SECRET_NAME" >&2
          exit 1
          ;;
      esac
      ;;
  esac
  echo "waiting for Key Vault Secrets Officer on $VAULT_NAME to take effect ($attempt/$attempts)"
  sleep "${RETRY_SECONDS:-15}"
  attempt=$((attempt + 1))
done
echo "could not create $SECRET_NAME in $VAULT_NAME: see docs/deploy.md, 'The continuation-token key'" >&2
exit 1
