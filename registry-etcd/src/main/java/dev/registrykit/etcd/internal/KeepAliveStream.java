package dev.registrykit.etcd.internal;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The registry's one open {@code LeaseKeepAlive} stream to etcd, on which every lease of the registry
 * is renewed: a request per renewal, answered in order on the stream.
 *
 * <p>Why a stream and not {@code keepAliveOnce}: jetcd's {@code keepAliveOnce} opens a new stream for
 * every renewal, and a member in a graceful stop (etcd's answer to SIGTERM, about 7 s of {@code
 * docker restart}) refuses new calls while it still expires leases and serves the streams already
 * open; renewing on an open stream carries a lease through it, as {@code etcdctl lease keep-alive}
 * does. jetcd's own {@code Lease.keepAlive} streams too, but it sends on its own cadence and tells no
 * one when the request that an answer renews was sent, which the keeper's deadline counts from.
 *
 * <p>The stream is opened on jetcd's channel and call credentials (so TLS, auth and the client's
 * headers apply), reached by reflection into jetcd's client; if that fails (another {@link Client}
 * implementation, another jetcd), every renewal is a {@code keepAliveOnce}, as before. A broken
 * stream fails every renewal waiting on it (the keepers retry, which opens a new one); a renewal that
 * is not answered in time breaks the stream ({@link #abandon}), so that the next goes out on a fresh
 * connection, which may reach another member. Thread-safe.
 */
public final class KeepAliveStream implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(KeepAliveStream.class.getName());

  private final Client client;
  /** Makes a lease stub on jetcd's channel with its credentials, or null: renew with keepAliveOnce. */
  private final LeaseGrpc.LeaseStub stub;
  private Open open;
  private boolean closed;

  KeepAliveStream(Client client) {
    this.client = client;
    this.stub = client == null ? null : stubOf(client);
  }

  /** One open stream and the renewals sent on it and not yet answered, per lease, oldest first. */
  private final class Open implements StreamObserver<LeaseKeepAliveResponse> {
    private final Map<Long, Deque<CompletableFuture<Long>>> waiting = new HashMap<>();
    private StreamObserver<LeaseKeepAliveRequest> requests;
    private boolean broken;
    /** System.nanoTime() of the last answer on this stream (of any lease), or of its opening. */
    private long lastAnswer = System.nanoTime();
    /** When each renewal waiting here was sent. */
    private final Map<CompletableFuture<Long>, Long> sent = new HashMap<>();

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
      CompletableFuture<Long> answered;
      synchronized (KeepAliveStream.this) {
        lastAnswer = System.nanoTime();
        Deque<CompletableFuture<Long>> queue = waiting.get(response.getID());
        answered = queue == null ? null : queue.poll();
        sent.remove(answered);
        if (queue != null && queue.isEmpty()) {
          waiting.remove(response.getID());
        }
      }
      if (answered == null) {
        return;
      }
      if (response.getTTL() > 0) {
        answered.complete(response.getTTL());
      } else {
        answered.completeExceptionally(
            EtcdExceptionFactory.newEtcdException(ErrorCode.NOT_FOUND, "etcdserver: requested lease not found"));
      }
    }

    @Override
    public void onError(Throwable failure) {
      fail(failure);
    }

    @Override
    public void onCompleted() {
      fail(Status.UNAVAILABLE.withDescription("etcd ended the keep-alive stream").asRuntimeException());
    }

    private void fail(Throwable failure) {
      List<CompletableFuture<Long>> failed = new ArrayList<>();
      synchronized (KeepAliveStream.this) {
        broken = true;
        if (open == this) {
          open = null;
        }
        waiting.values().forEach(failed::addAll);
        waiting.clear();
        sent.clear();
      }
      failed.forEach(future -> future.completeExceptionally(failure));
    }
  }

  /**
   * Renews {@code lease} once: sends its request on the open stream (opening one if there is none)
   * and completes with the TTL etcd granted, or fails with etcd's "lease not found", or as the stream
   * broke. Never completes if etcd does not answer: bound it ({@link Calls#within}) and {@link
   * #abandon} the stream when it times out.
   */
  CompletableFuture<Long> keepAlive(long lease) {
    if (stub == null) {
      return client.getLeaseClient().keepAliveOnce(lease).thenApply(io.etcd.jetcd.lease.LeaseKeepAliveResponse::getTTL);
    }
    CompletableFuture<Long> answer = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        answer.completeExceptionally(Status.CANCELLED.withDescription("the registry is closing").asRuntimeException());
        return answer;
      }
      try {
        openIfNone();
        open.waiting.computeIfAbsent(lease, id -> new ArrayDeque<>()).add(answer);
        open.sent.put(answer, System.nanoTime());
        open.requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(lease).build());
      } catch (RuntimeException e) {
        Open failed = open;
        open = null;
        if (failed != null) {
          failed.broken = true;
          failed.waiting.values().forEach(queue -> queue.forEach(future -> future.completeExceptionally(e)));
          cancel(failed, e);
        }
        answer.completeExceptionally(e);
      }
    }
    return answer;
  }

  /**
   * Opens the stream now if none is open, so that it exists before the first renewal: a stream
   * opened when etcd has begun its graceful stop is refused, and the first renewal of a lease comes
   * only a TTL/3 after its grant. Does nothing without a stream ({@code keepAliveOnce}) or once
   * closed; if opening fails, the next renewal tries again.
   */
  void open() {
    if (stub == null) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        openIfNone();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "opening the keep-alive stream failed; the next renewal tries again", e);
      }
    }
  }

  /** Under the lock: opens a stream unless one is open. */
  private void openIfNone() {
    if (open == null) {
      Open opened = new Open();
      opened.requests = stub.leaseKeepAlive(opened);
      open = opened;
    }
  }

  /**
   * The renewal {@code unanswered} was not answered in time: if the stream it went out on is still
   * the open one and has answered nothing for {@code silence} while renewals waited on it, it is
   * cancelled (its other renewals fail and are retried), so that the next renewal opens a fresh
   * one, which may reach another member. A stream silent for less is kept, and the retry goes out on
   * it: it may be slow, not stuck, and a member in its graceful stop answers on it but refuses a new
   * one, so cancelling it early loses every lease it renews.
   */
  void abandon(CompletableFuture<Long> unanswered, java.time.Duration silence) {
    Open stale;
    RuntimeException timeout = Status.DEADLINE_EXCEEDED.withDescription("a keep-alive was not answered in time")
        .asRuntimeException();
    synchronized (this) {
      stale = open;
      if (stale == null || !stale.sent.containsKey(unanswered)) {
        return;
      }
      long oldestWaiting = stale.sent.get(unanswered);
      for (long sentAt : stale.sent.values()) {
        oldestWaiting = sentAt - oldestWaiting < 0 ? sentAt : oldestWaiting;
      }
      // silent since the oldest renewal still waiting went out, or since the last answer if later
      long silentSince = stale.lastAnswer - oldestWaiting > 0 ? stale.lastAnswer : oldestWaiting;
      if (System.nanoTime() - silentSince < silence.toNanos()) {
        return;
      }
      open = null;
      cancel(stale, timeout); // under the lock: sends are, and a stream's sends and cancel must not overlap
    }
    stale.fail(timeout);
  }

  /** Ends the stream; renewals waiting on it fail, and later ones too. */
  @Override
  public void close() {
    Open last;
    RuntimeException closing = Status.CANCELLED.withDescription("the registry is closing").asRuntimeException();
    synchronized (this) {
      closed = true;
      last = open;
      open = null;
      if (last != null) {
        cancel(last, closing);
      }
    }
    if (last != null) {
      last.fail(closing);
    }
  }

  private static void cancel(Open stream, Throwable why) {
    try {
      if (stream.requests != null) {
        stream.requests.onError(why);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cancelling the keep-alive stream failed", e);
    }
  }

  /**
   * A lease stub on the channel of jetcd's {@code client}, with its call credentials (auth) and wait
   * for ready, requiring a leader as jetcd's own keep-alive stub does; null if jetcd's insides are not
   * as expected.
   */
  private static LeaseGrpc.LeaseStub stubOf(Client client) {
    try {
      Object lease = client.getLeaseClient();
      Field manager = null;
      for (Class<?> type = lease.getClass(); type != null && manager == null; type = type.getSuperclass()) {
        for (Field field : type.getDeclaredFields()) {
          if (field.getName().equals("connectionManager")) {
            manager = field;
          }
        }
      }
      if (manager == null) {
        throw new NoSuchFieldException("connectionManager");
      }
      manager.setAccessible(true);
      Object connections = manager.get(lease);
      Method newStub = connections.getClass().getDeclaredMethod("newStub", Function.class);
      newStub.setAccessible(true);
      Function<ManagedChannel, LeaseGrpc.LeaseStub> make = LeaseGrpc::newStub;
      LeaseGrpc.LeaseStub stub = (LeaseGrpc.LeaseStub) newStub.invoke(connections, make);
      return io.etcd.jetcd.support.Util.applyRequireLeader(true, stub);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "keep-alives go out as one call each (keepAliveOnce), not on one stream: "
          + "jetcd's channel could not be reached (" + e + "); leases may then expire during etcd's graceful stop");
      return null;
    }
  }
}
