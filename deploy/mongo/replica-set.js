// Run by compose.yaml's mongo-init (`mongosh --nodb`) on every `docker compose up`: the first time
// it starts the replica set rs0 of mongo-1..3 and creates Parley's database user (readWrite on the
// database parley and on parley_keys, the key store of encryption at rest, nothing else); later runs
// find both done and change nothing (a user made before the key store gets its role added).
// Passwords come from the environment, never the command line.
/* global connect, sleep -- mongosh's */
const MEMBERS = ['mongo-1:27017', 'mongo-2:27017', 'mongo-3:27017'];
const root = encodeURIComponent(process.env.MONGO_ROOT_PASSWORD);

/** Retries `attempt` every second until it returns something, for two minutes at most. */
function until(what, attempt) {
  for (let tries = 0; tries < 120; tries++) {
    try {
      const result = attempt();
      if (result) return result;
    } catch (error) {
      if (tries === 119) throw error;
    }
    sleep(1000);
  }
  throw new Error(`gave up waiting for ${what}`);
}

const first = until('mongo-1', () => connect(`mongodb://root:${root}@${MEMBERS[0]}/admin?directConnection=true`));
try {
  first.adminCommand({ replSetGetStatus: 1 });
} catch (error) {
  if (error.codeName !== 'NotYetInitialized') throw error;
  first.adminCommand({ replSetInitiate: { _id: 'rs0', members: MEMBERS.map((host, id) => ({ _id: id, host })) } });
  print('replica set rs0 initiated');
}

// Users are written on the primary, wherever the election put it.
const admin = until('a primary', () => {
  const set = connect(`mongodb://root:${root}@${MEMBERS.join(',')}/admin?replicaSet=rs0`);
  return set.hello().primary ? set : undefined;
});
const ROLES = [
  { role: 'readWrite', db: 'parley' },
  { role: 'readWrite', db: 'parley_keys' },
];
if (!admin.getUser('parley')) {
  admin.createUser({ user: 'parley', pwd: process.env.MONGO_PARLEY_PASSWORD, roles: ROLES });
  print('database user parley created');
} else {
  // Granting a role the user holds already changes nothing.
  admin.grantRolesToUser('parley', ROLES);
}
