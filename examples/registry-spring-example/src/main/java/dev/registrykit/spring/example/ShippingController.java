package dev.registrykit.spring.example;

import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/** Says which instance answers, and asks a peer (any instance of the service, chosen by the load balancer). */
@RestController
class ShippingController {

  private final Registration me;
  private final RestClient peers;

  ShippingController(Registration me, RestClient.Builder loadBalanced) {
    this.me = me;
    this.peers = loadBalanced.build();
  }

  /** This instance's id. */
  @GetMapping("/whoami")
  String whoami() {
    return me.getInstanceId();
  }

  /** The id of the instance the load balancer chose for this call. */
  @GetMapping("/peer")
  String peer() {
    return peers.get().uri("http://OrderShippingService/whoami").retrieve().body(String.class);
  }
}
