import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one module as a sorted, human-readable listing, checked against the listing
 * committed beside the module's pom: a change to a public or protected signature fails the build
 * until the listing is updated in the same commit.
 *
 * <p>Run by the build (see the parent pom) as a single-file program of the JDK:
 * {@code java scripts/ApiListing.java <classes dir> <listing file> <check|update>}. The API is the
 * public and protected types, with their public and protected members, of the packages the module
 * exports to everyone: those its {@code module-info.class} exports without {@code to} (a module
 * without one: every package not named {@code internal}). Anonymous and local classes are not API.
 * Member order does not count; javap prints each signature.
 *
 * <p>A module with a descriptor may not have a public top-level type in a package it does not export
 * at all (neither to everyone nor to named modules): such a type is API by accident. The check fails
 * on one, naming it, in both modes.
 */
public final class ApiListing {

  private ApiListing() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3 || !List.of("check", "update").contains(args[2])) {
      System.err.println("usage: java ApiListing.java <classes dir> <listing file> <check|update>");
      System.exit(2);
    }
    Path classes = Path.of(args[0]);
    Path listingFile = Path.of(args[1]);
    List<String> stray = publicInUnexportedPackages(classes);
    if (!stray.isEmpty()) {
      System.err.println("[api] Public types in packages that " + classes + "/module-info.class does not export:");
      stray.forEach(type -> System.err.println("[api]   " + type));
      System.err.println("[api] Make them package-private, or export their package (to the modules that need it).");
      System.exit(1);
    }
    String listing = listing(classes);
    if (args[2].equals("update")) {
      Files.writeString(listingFile, listing, StandardCharsets.UTF_8);
      System.out.println("[api] wrote " + listingFile);
      return;
    }
    String committed = Files.exists(listingFile) ? Files.readString(listingFile, StandardCharsets.UTF_8) : "";
    if (committed.equals(listing)) {
      System.out.println("[api] " + listingFile.getFileName() + " matches the public API of " + classes);
      return;
    }
    System.err.println("[api] The public API differs from " + listingFile + " (- committed, + now):");
    difference(committed, listing).forEach(line -> System.err.println("[api]   " + line));
    System.err.println("[api] If the change is meant, run ./mvnw verify -Dregistrykit.api.update=true (or the module's "
        + "build with it) and commit the listing with the change; name renamed or removed API in the README's upgrade notes.");
    System.exit(1);
  }

  /** The listing of every public type under {@code classes} in a package exported to everyone. */
  static String listing(Path classes) throws IOException {
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(classes)) {
      Optional<Set<String>> exported = exportedPackages(classes);
      try (Stream<Path> files = Files.walk(classes)) {
        files.filter(file -> file.toString().endsWith(".class")).forEach(file -> {
          String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
          name = name.substring(0, name.length() - ".class".length());
          String pkg = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "";
          boolean api = exported.map(packages -> packages.contains(pkg))
              .orElseGet(() -> !List.of(pkg.split("\\.")).contains("internal"));
          boolean anonymousOrLocal = name.matches(".*\\$\\d.*");
          if (api && !anonymousOrLocal && !name.endsWith("package-info") && !name.endsWith("module-info")) {
            names.add(name);
          }
        });
      }
    }
    if (names.isEmpty()) {
      return "";
    }
    List<String> javapArgs = new ArrayList<>(List.of("-protected", "-cp", classes.toString()));
    javapArgs.addAll(names);
    String out = javap(javapArgs);
    Map<String, String> declarations = new TreeMap<>(); // by type name
    Map<String, TreeSet<String>> types = new TreeMap<>();
    String current = null;
    for (String line : out.split("\\R")) {
      if (line.startsWith("Compiled from") || line.isBlank()) {
        continue;
      }
      if (line.equals("}")) {
        current = null;
      } else if (current == null) { // a type's declaration
        String declaration = line.endsWith("{") ? line.substring(0, line.length() - 1).trim() : line.trim();
        boolean visible = declaration.startsWith("public ") || declaration.startsWith("protected ");
        current = visible ? typeName(declaration) : "";
        if (visible) {
          declarations.put(current, declaration);
          types.put(current, new TreeSet<>());
        }
      } else if (!current.isEmpty()) {
        types.get(current).add(line.trim());
      }
    }
    StringBuilder listing = new StringBuilder();
    types.forEach((name, members) -> {
      listing.append(declarations.get(name)).append('\n');
      members.forEach(member -> listing.append("  ").append(member).append('\n'));
    });
    return listing.toString();
  }

  /**
   * The public top-level types under {@code classes} in packages its {@code module-info.class} does
   * not export to anyone; empty without a descriptor.
   */
  static List<String> publicInUnexportedPackages(Path classes) throws IOException {
    Path descriptor = classes.resolve("module-info.class");
    if (!Files.exists(descriptor)) {
      return List.of();
    }
    Set<String> exported;
    try (InputStream in = Files.newInputStream(descriptor)) {
      exported = ModuleDescriptor.read(in).exports().stream().map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toUnmodifiableSet());
    }
    List<String> candidates;
    try (Stream<Path> files = Files.walk(classes)) {
      candidates = files.map(file -> classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "."))
          .filter(name -> name.endsWith(".class") && !name.contains("$") && !name.endsWith("-info.class"))
          .map(name -> name.substring(0, name.length() - ".class".length()))
          .filter(name -> name.contains(".") && !exported.contains(name.substring(0, name.lastIndexOf('.'))))
          .sorted().toList();
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<String> javapArgs = new ArrayList<>(List.of("-public", "-cp", classes.toString()));
    javapArgs.addAll(candidates);
    List<String> stray = new ArrayList<>();
    boolean inType = false;
    for (String line : javap(javapArgs).split("\\R")) {
      if (line.startsWith("Compiled from") || line.isBlank()) {
        continue;
      }
      if (line.equals("}")) {
        inType = false;
      } else if (!inType) {
        inType = true;
        if (line.startsWith("public ")) {
          stray.add(typeName(line.trim()));
        }
      }
    }
    return stray;
  }

  /** javap's output for {@code args}. */
  private static String javap(List<String> args) {
    ToolProvider javap = ToolProvider.findFirst("javap")
        .orElseThrow(() -> new IllegalStateException("javap is not in this JDK: run the build on a JDK, not a JRE"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = javap.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    if (status != 0) {
      throw new IllegalStateException("javap failed (" + status + "): " + err);
    }
    return out.toString();
  }

  /**
   * The packages {@code classes/module-info.class} exports to every module (not the qualified
   * {@code exports ... to} ones), or empty if there is no module descriptor.
   */
  static Optional<Set<String>> exportedPackages(Path classes) throws IOException {
    Path descriptor = classes.resolve("module-info.class");
    if (!Files.exists(descriptor)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(descriptor)) {
      return Optional.of(ModuleDescriptor.read(in).exports().stream()
          .filter(export -> !export.isQualified())
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toUnmodifiableSet()));
    }
  }

  /** {@code dev.registrykit.Registry} of {@code public interface dev.registrykit.Registry extends ...}. */
  private static String typeName(String declaration) {
    String[] words = declaration.split(" ");
    for (int i = 0; i < words.length - 1; i++) {
      if (List.of("class", "interface", "enum", "record", "@interface").contains(words[i])) {
        return words[i + 1].replaceAll("<.*", "");
      }
    }
    throw new IllegalStateException("not a type declaration: " + declaration);
  }

  /** The lines only in {@code before} (-) and only in {@code after} (+), members named with their type. */
  static List<String> difference(String before, String after) {
    List<String> old = qualified(before);
    List<String> now = qualified(after);
    List<String> lines = new ArrayList<>();
    old.stream().filter(line -> !now.contains(line)).forEach(line -> lines.add("- " + line));
    now.stream().filter(line -> !old.contains(line)).forEach(line -> lines.add("+ " + line));
    return lines;
  }

  /** Each line of a listing, a member's prefixed with its type's name: {@code dev.registrykit.Registry: ...}. */
  private static List<String> qualified(String listing) {
    List<String> lines = new ArrayList<>();
    String type = "";
    for (String line : listing.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("  ")) {
        lines.add(type + ": " + line.trim());
      } else {
        type = typeName(line);
        lines.add(line);
      }
    }
    return lines;
  }
}
