// goclient: etcd's own Go naming (client/v3/naming/endpoints and naming/resolver) beside grpc-go's
// standard health service, for registrykit's interop tests (registry-it, GoNaming*IntegrationTest).
// Built in GOPATH mode from Debian's golang-*-dev source packages by scripts/build-go-interop.sh.
//
//	goclient serve -etcd URL -target T -key K [-id ID] [-ttl S]
//	    starts a gRPC server on 127.0.0.1 (grpc.health.v1.Health, answering SERVING with the header
//	    x-server-id: ID), puts the endpoint T/K {"Addr":"127.0.0.1:port"} on a lease of S seconds
//	    (K "addr" means the server's own host:port) and prints "READY <addr> <key>". A line "delete" on
//	    stdin deletes the endpoint (DeleteEndpoint) and prints "DELETED <unix nanos>"; SIGTERM or the
//	    end of stdin deletes it, revokes the lease and exits; kill -9 leaves it to the lease.
//	goclient call -etcd URL -target etcd:///T [-interval MS] [-count N]
//	    dials T through etcd's resolver with round_robin and calls Health/Check every MS
//	    milliseconds, printing "CALL <unix nanos> <x-server-id>" or "FAIL <unix nanos> <code> <message>"
//	    per call; stops after N calls (0: until stdin ends).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/naming/endpoints"
	etcdresolver "go.etcd.io/etcd/client/v3/naming/resolver"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

var out sync.Mutex

func say(format string, args ...interface{}) {
	out.Lock()
	defer out.Unlock()
	fmt.Printf(format+"\n", args...)
	os.Stdout.Sync()
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "goclient: "+format+"\n", args...)
	os.Exit(2)
}

func etcdClient(url string) *clientv3.Client {
	c, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(url, ","), DialTimeout: 10 * time.Second,
		Logger: zap.NewNop()})
	if err != nil {
		fail("etcd client: %v", err)
	}
	return c
}

func serve(args []string) {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	url := fs.String("etcd", "http://127.0.0.1:2379", "etcd endpoints")
	target := fs.String("target", "services/GoGreeter", "endpoints manager target")
	key := fs.String("key", "addr", "the key's last segment; addr: the server's host:port")
	id := fs.String("id", "go-1", "the x-server-id this server answers with")
	ttl := fs.Int64("ttl", 5, "lease TTL in seconds")
	fs.Parse(args)

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("listen: %v", err)
	}
	addr := lis.Addr().String()
	server := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req interface{},
		info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (interface{}, error) {
		grpc.SetHeader(ctx, metadata.Pairs("x-server-id", *id))
		return handler(ctx, req)
	}))
	healthpb.RegisterHealthServer(server, health.NewServer()) // "" is SERVING
	go server.Serve(lis)

	client := etcdClient(*url)
	ctx := context.Background()
	lease, err := client.Grant(ctx, *ttl)
	if err != nil {
		fail("lease grant: %v", err)
	}
	keepAlive, err := client.KeepAlive(ctx, lease.ID)
	if err != nil {
		fail("keep-alive: %v", err)
	}
	go func() {
		for range keepAlive {
		}
	}()
	manager, err := endpoints.NewManager(client, *target)
	if err != nil {
		fail("endpoints manager: %v", err)
	}
	segment := *key
	if segment == "addr" {
		segment = addr
	}
	fullKey := *target + "/" + segment
	if err := manager.AddEndpoint(ctx, fullKey, endpoints.Endpoint{Addr: addr}, clientv3.WithLease(lease.ID)); err != nil {
		fail("add endpoint: %v", err)
	}
	say("READY %s %s", addr, fullKey)

	done := make(chan struct{})
	go func() {
		lines := bufio.NewScanner(os.Stdin)
		for lines.Scan() {
			if strings.TrimSpace(lines.Text()) == "delete" {
				if err := manager.DeleteEndpoint(ctx, fullKey); err != nil {
					fail("delete endpoint: %v", err)
				}
				say("DELETED %d", time.Now().UnixNano())
			}
		}
		close(done)
	}()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-signals:
	case <-done:
	}
	manager.DeleteEndpoint(ctx, fullKey)
	client.Revoke(ctx, lease.ID)
	say("CLOSED %d", time.Now().UnixNano())
	server.Stop()
	client.Close()
}

func call(args []string) {
	fs := flag.NewFlagSet("call", flag.ExitOnError)
	url := fs.String("etcd", "http://127.0.0.1:2379", "etcd endpoints")
	target := fs.String("target", "etcd:///services/GoGreeter", "gRPC target")
	interval := fs.Int("interval", 20, "milliseconds between calls")
	count := fs.Int("count", 0, "calls to make; 0: until stdin ends")
	fs.Parse(args)

	client := etcdClient(*url)
	builder, err := etcdresolver.NewBuilder(client)
	if err != nil {
		fail("resolver: %v", err)
	}
	conn, err := grpc.Dial(*target, grpc.WithResolvers(builder),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"round_robin":{}}]}`))
	if err != nil {
		fail("dial %s: %v", *target, err)
	}
	stop := make(chan struct{})
	if *count == 0 {
		go func() {
			bufio.NewScanner(os.Stdin).Scan()
			for bufio.NewScanner(os.Stdin).Scan() {
			}
			close(stop)
		}()
	}
	health := healthpb.NewHealthClient(conn)
	for i := 0; *count == 0 || i < *count; i++ {
		select {
		case <-stop:
			i = -1
		default:
		}
		if i < 0 {
			break
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		var header metadata.MD
		_, err := health.Check(ctx, &healthpb.HealthCheckRequest{}, grpc.Header(&header))
		cancel()
		now := time.Now().UnixNano()
		if err != nil {
			s, _ := status.FromError(err)
			say("FAIL %d %s %s", now, s.Code(), strings.ReplaceAll(s.Message(), "\n", " "))
		} else if ids := header.Get("x-server-id"); len(ids) > 0 {
			say("CALL %d %s", now, ids[0])
		} else {
			say("CALL %d ?", now)
		}
		time.Sleep(time.Duration(*interval) * time.Millisecond)
	}
	conn.Close()
	client.Close()
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: goclient serve|call [flags]")
	}
	switch os.Args[1] {
	case "serve":
		serve(os.Args[2:])
	case "call":
		call(os.Args[2:])
	default:
		fail("unknown command %q: serve or call", os.Args[1])
	}
}
