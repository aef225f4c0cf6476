// Calls one method of the official LoginRadius Node SDK and prints what it answered, for a Java test to read:
//   node sdk-call.js '{"config":{...},"api":"multiFactorAuthenticationApi","method":"mfaLoginByEmail","args":[...]}'
// prints {"Ok": <the resolved value>} or {"Error": <the rejected value>} on one line. NODE_PATH names where
// loginradius-sdk was installed.
const call = JSON.parse(process.argv[2]);
const lr = require('loginradius-sdk')(call.config);
lr[call.api][call.method](...call.args)
  .then((ok) => console.log(JSON.stringify({ Ok: ok === undefined ? null : ok })))
  .catch((error) => console.log(JSON.stringify({ Error: error instanceof Error ? { message: error.message } : error })));
