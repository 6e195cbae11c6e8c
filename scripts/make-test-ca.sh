#!/bin/sh
# Makes a test CA, a server certificate for 127.0.0.1, ::1 and localhost, and client certificates, with the openssl CLI.
# Usage: scripts/make-test-ca.sh DIR [CLIENT_CN...]
#
# Writes into DIR (created if missing):
#   ca.pem, ca.key                 the CA (EC P-256, 10 days): give ca.pem to
#                                  clients (hotlinectl --ca) and, as client_ca,
#                                  to hotlined to accept client certificates
#   server.pem, server.key         hotlined's certificate (tls.cert, tls.key),
#                                  for IP 127.0.0.1 and ::1 and DNS localhost
#   client-<CN>.pem, client-<CN>.key   one client certificate per CLIENT_CN,
#                                  with that subject CN (a principal's cert_cn)
# and prints each client certificate's SHA-256 fingerprint (cert_sha256).
# For tests and trials only: keys are unencrypted and the CA lives 10 days.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 DIR [CLIENT_CN...]" >&2; exit 2; }
dir=$1
shift
command -v openssl >/dev/null 2>&1 || { echo "$0: openssl not found" >&2; exit 1; }
mkdir -p "$dir"
umask 077

# Makes an EC P-256 key into $1.
newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# Signs a certificate for key $1 with subject $2 and extensions file $3 into $4.
sign() {
	openssl req -new -key "$1" -subj "$2" -out "$4.csr"
	openssl x509 -req -in "$4.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
	    -CAcreateserial -days 10 -sha256 -extfile "$3" -out "$4" 2>/dev/null
	rm -f "$4.csr"
}

newkey "$dir/ca.key"
openssl req -new -x509 -key "$dir/ca.key" -subj "/O=hotline test/CN=hotline test CA" \
    -days 10 -sha256 -addext "basicConstraints=critical,CA:true" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$dir/ca.pem"

ext=$dir/ext.cnf
printf '%s\n' "basicConstraints=CA:false" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" \
    "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" > "$ext"
newkey "$dir/server.key"
sign "$dir/server.key" "/O=hotline test/CN=localhost" "$ext" "$dir/server.pem"

printf '%s\n' "basicConstraints=CA:false" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=clientAuth" > "$ext"
for cn in "$@"; do
	case "$cn" in
	*/*|"") echo "$0: bad client CN: $cn" >&2; exit 2 ;;
	esac
	newkey "$dir/client-$cn.key"
	sign "$dir/client-$cn.key" "/O=hotline test/CN=$cn" "$ext" "$dir/client-$cn.pem"
	printf '%s cert_sha256 %s\n' "$cn" "$(openssl x509 -in "$dir/client-$cn.pem" \
	    -noout -fingerprint -sha256 | cut -d= -f2)"
done
rm -f "$ext" "$dir/ca.srl"
chmod 644 "$dir"/*.pem
