// A webhook's new secret, shown the one time the server sends it (a create or a rotation): the
// receiver needs it to verify deliveries, and no screen can show it again.
export function SecretOnce({ secret, onDismiss }: { secret: string; onDismiss: () => void }) {
  return (
    <div class="card" role="status">
      <h2>The signing secret</h2>
      <p>Give it to the receiver now (it verifies each delivery with it): it will not be shown again.</p>
      <p>
        <code class="secret">{secret}</code>
      </p>
      <div class="actions">
        <button type="button" onClick={onDismiss}>
          I have stored it
        </button>
      </div>
    </div>
  );
}
